//! One line of text being typed in a dialog (a target folder, a path to
//! go to, a new name): the text and a cursor that moves over characters,
//! with the keys a shell line has (Left/Right, Home/End, Ctrl-a/Ctrl-e,
//! Backspace/Delete, Ctrl-u, Ctrl-w). Pure.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does in a one-line prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKey {
    /// Esc: close it.
    Cancel,
    /// Enter: do what it asks.
    Submit,
    /// The text changed (or the cursor moved): an error shown goes.
    Edited,
    /// Nothing for the prompt (the dialog may still use it: Tab…).
    Ignored,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// In characters from the start, 0..=len.
    cursor: usize,
}

impl LineInput {
    /// `text`, the cursor after its end.
    pub fn new(text: impl Into<String>) -> LineInput {
        let text = text.into();
        let cursor = text.chars().count();
        LineInput { text, cursor }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text, the cursor after its end.
    pub fn set(&mut self, text: impl Into<String>) {
        *self = LineInput::new(text);
    }

    /// Byte offset of character `i`.
    fn byte(&self, i: usize) -> usize {
        self.text
            .char_indices()
            .nth(i)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// Inserts text at the cursor (typed or pasted; line breaks dropped).
    pub fn insert(&mut self, s: &str) {
        let clean: String = s.chars().filter(|c| !c.is_control()).collect();
        let at = self.byte(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    /// A key in a prompt: Esc and Enter as [`PromptKey`] says, editing
    /// keys applied.
    pub fn prompt_key(&mut self, key: &KeyEvent) -> PromptKey {
        match key.code {
            KeyCode::Esc => PromptKey::Cancel,
            KeyCode::Enter => PromptKey::Submit,
            _ if self.key(key) => PromptKey::Edited,
            _ => PromptKey::Ignored,
        }
    }

    /// Applies an editing key; false if the key is not one (the dialog
    /// handles it: Enter, Esc, Tab…).
    pub fn key(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char('u') if ctrl => {
                let at = self.byte(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('w') if ctrl => {
                // The word before the cursor, and the blanks or slashes
                // after it, as a shell does.
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && matches!(chars[start - 1], ' ' | '/') {
                    start -= 1;
                }
                while start > 0 && !matches!(chars[start - 1], ' ' | '/') {
                    start -= 1;
                }
                let (from, to) = (self.byte(start), self.byte(self.cursor));
                self.text.replace_range(from..to, "");
                self.cursor = start;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let (from, to) = (self.byte(self.cursor - 1), self.byte(self.cursor));
                self.text.replace_range(from..to, "");
                self.cursor -= 1;
            }
            KeyCode::Backspace => {}
            KeyCode::Delete if self.cursor < len => {
                let (from, to) = (self.byte(self.cursor), self.byte(self.cursor + 1));
                self.text.replace_range(from..to, "");
            }
            KeyCode::Delete => {}
            KeyCode::Char(c)
                if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) && !c.is_control() =>
            {
                let mut b = [0; 4];
                self.insert(c.encode_utf8(&mut b));
            }
            _ => return false,
        }
        true
    }

    /// The text to draw in `width` columns and where the cursor is within
    /// it: the end of a long line shows when the cursor is there.
    pub fn visible(&self, width: usize) -> (String, usize) {
        let chars: Vec<char> = self.text.chars().collect();
        let width = width.max(1);
        let start = (self.cursor + 1).saturating_sub(width);
        let shown: String = chars.iter().skip(start).take(width).collect();
        (shown, self.cursor - start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn typing_goes_in_at_the_cursor_and_keys_move_it() {
        let mut l = LineInput::new("/srv/ftp");
        assert_eq!(l.cursor(), 8);
        l.key(&press(KeyCode::Home));
        l.key(&press(KeyCode::Char('~')));
        assert_eq!(l.text(), "~/srv/ftp");
        l.key(&press(KeyCode::End));
        l.key(&press(KeyCode::Backspace));
        assert_eq!(l.text(), "~/srv/ft");
        l.key(&press(KeyCode::Left));
        l.key(&press(KeyCode::Delete));
        assert_eq!(l.text(), "~/srv/f");
        l.insert("é\nx");
        assert_eq!(l.text(), "~/srv/féx");
        assert!(!l.key(&press(KeyCode::Enter)));
    }

    #[test]
    fn ctrl_w_deletes_a_path_component_and_ctrl_u_the_start() {
        let mut l = LineInput::new("/srv/ftp/pub/");
        l.key(&ctrl('w'));
        assert_eq!(l.text(), "/srv/ftp/");
        l.key(&ctrl('w'));
        assert_eq!(l.text(), "/srv/");
        l.key(&press(KeyCode::Left));
        l.key(&ctrl('u'));
        assert_eq!((l.text(), l.cursor()), ("/", 0));
    }

    #[test]
    fn a_long_line_shows_its_end_where_the_cursor_is() {
        let l = LineInput::new("abcdefghij");
        assert_eq!(l.visible(4), ("hij".to_string(), 3));
        let mut l = LineInput::new("abcdefghij");
        l.key(&press(KeyCode::Home));
        assert_eq!(l.visible(4), ("abcd".to_string(), 0));
    }
}
