//! Whole-app tests: the real loop (`wharf::app::run`) fed a stream of
//! inputs, its commands read from the channel the engine would read, its
//! frames read from a `TestBackend` (as gitui's and television's tests do).
//! No terminal, no engine, no network.

#[path = "common/values.rs"]
mod values;

use std::convert::Infallible;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use wharf::app::input::receiver_stream;
use wharf::app::keymap::Keymap;
use wharf::app::state::AppState;
use wharf::app::{Input, Senders};
use wharf::engine::protocol::{Command, ConnId, Entry, Event, Location, RequestId, WireDir};
use wharf::terminal::FrameSync;

const WAIT: Duration = Duration::from_secs(10);

/// A `TestBackend` the test can look at while the loop draws into it, and
/// a count of the frames begun.
#[derive(Clone)]
struct Screen {
    backend: Arc<Mutex<TestBackend>>,
    frames: Arc<AtomicUsize>,
}

impl Screen {
    fn new(width: u16, height: u16) -> Screen {
        Screen {
            backend: Arc::new(Mutex::new(TestBackend::new(width, height))),
            frames: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, TestBackend> {
        self.backend.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn text(&self) -> String {
        self.lock().to_string()
    }

    fn frames(&self) -> usize {
        self.frames.load(Ordering::SeqCst)
    }
}

impl Backend for Screen {
    type Error = Infallible;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Infallible>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.lock().draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Infallible> {
        self.lock().hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Infallible> {
        self.lock().show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Infallible> {
        self.lock().get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Infallible> {
        self.lock().set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Infallible> {
        self.lock().clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Infallible> {
        self.lock().clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Infallible> {
        self.lock().size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Infallible> {
        self.lock().window_size()
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        self.lock().flush()
    }
}

impl FrameSync for Screen {
    fn begin_frame(&mut self) -> Result<(), Infallible> {
        self.frames.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn end_frame(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// The app running in a task of its own, and its ends.
struct App {
    screen: Screen,
    input: mpsc::UnboundedSender<Input>,
    commands: mpsc::UnboundedReceiver<Command>,
    task: JoinHandle<Result<(), Infallible>>,
}

fn start(local: &Path) -> App {
    let screen = Screen::new(100, 30);
    let (input, input_rx) = mpsc::unbounded_channel();
    let (engine, commands) = mpsc::unbounded_channel();
    let state = AppState::new(local.to_path_buf(), Keymap::default(), 100, 30);
    let mut terminal = Terminal::new(screen.clone()).expect("terminal");
    let task = tokio::spawn(async move {
        let senders = Senders {
            engine,
            bookmarks: None,
            handover: None,
        };
        let input = Box::pin(receiver_stream(input_rx));
        wharf::app::run(&mut terminal, state, None, input, &senders).await
    });
    App {
        screen,
        input,
        commands,
        task,
    }
}

impl App {
    fn send(&self, input: Input) {
        self.input.send(input).expect("the loop is running");
    }

    fn key(&self, code: KeyCode) {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        self.send(Input::Terminal(TermEvent::Key(key)));
    }

    async fn command(&mut self) -> Command {
        match tokio::time::timeout(WAIT, self.commands.recv()).await {
            Ok(Some(c)) => c,
            other => panic!("no command: {other:?}"),
        }
    }

    /// Waits until the screen shows `text`.
    async fn wait_for(&self, text: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let screen = self.screen.text();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{text:?} never showed:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Lets the loop run until it waits for input (and any held-back frame
    /// is drawn).
    async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    /// Waits until at least `n` frames were begun, then for any more.
    async fn frames_after(&self, n: usize) -> usize {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.screen.frames() < n {
            assert!(tokio::time::Instant::now() < deadline, "no frame {n}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.settle().await;
        self.screen.frames()
    }

    async fn ended(self) {
        match tokio::time::timeout(WAIT, self.task).await {
            Ok(Ok(Ok(()))) => {}
            other => panic!("the loop did not end: {other:?}"),
        }
    }
}

fn file(name: &str) -> Entry {
    values::file(name, 1234)
}

/// Answers the first command, the local listing, with `entries`.
async fn list_local(app: &mut App, entries: Vec<Entry>) -> (RequestId, Location) {
    let Command::List {
        req,
        path: path @ Location::Local(_),
    } = app.command().await
    else {
        panic!("the app starts by listing the local folder")
    };
    app.send(Input::Engine(Event::Listing {
        req,
        path: path.clone(),
        entries,
        notes: Default::default(),
    }));
    (req, path)
}

#[tokio::test]
async fn start_lists_the_local_folder_and_draws_what_comes_back() {
    let mut app = start(Path::new("/home/alice"));
    let (_, path) = list_local(&mut app, vec![file("notes.txt"), file("photo.jpg")]).await;
    assert_eq!(path, values::local("/home/alice"));
    // Without a URL or a bookmark file the quick-connect form greets the user.
    app.wait_for("Quick connect").await;
    app.key(KeyCode::Esc);
    let screen = app.wait_for("photo.jpg").await;
    assert!(
        screen.contains("notes.txt") && screen.contains("2 entries"),
        "{screen}"
    );
    app.key(KeyCode::Char('q'));
    app.ended().await;
}

#[tokio::test]
async fn f1_shows_the_help_and_q_ends_the_loop() {
    let mut app = start(Path::new("/"));
    list_local(&mut app, vec![]).await;
    app.key(KeyCode::Esc);
    app.key(KeyCode::F(1));
    app.wait_for("Everywhere").await;
    app.key(KeyCode::Esc); // closes the help
    app.key(KeyCode::Char('q'));
    app.ended().await;
}

#[tokio::test]
async fn a_signal_ends_the_loop_and_so_does_the_end_of_its_input() {
    let mut app = start(Path::new("/"));
    list_local(&mut app, vec![]).await;
    app.send(Input::Quit);
    app.ended().await;
    let app = start(Path::new("/"));
    let App { input, task, .. } = app;
    drop(input);
    match tokio::time::timeout(WAIT, task).await {
        Ok(Ok(Ok(()))) => {}
        other => panic!("the loop did not end: {other:?}"),
    }
}

#[tokio::test]
async fn a_burst_of_events_is_one_frame_and_a_hidden_log_line_is_none() {
    let mut app = start(Path::new("/"));
    list_local(&mut app, vec![file("a")]).await;
    app.key(KeyCode::Esc);
    app.wait_for(" a ").await;
    app.settle().await;
    let before = app.screen.frames();
    // Sent without yielding: the loop finds them all waiting at once.
    for i in 0..200 {
        app.send(Input::Engine(Event::Wire {
            dir: WireDir::Received,
            code: Some(200 + i % 2),
            text: format!("20{} NOOP ok", i % 2),
            conn: Some(ConnId(0)),
        }));
    }
    // (The test runs on one thread: the loop runs only when this waits.)
    assert_eq!(
        app.frames_after(before + 1).await,
        before + 1,
        "one frame for the burst"
    );
    app.wait_for("│ 201").await;
    // The log is hidden and the reply code stays: nothing to draw.
    let before = app.screen.frames();
    app.send(Input::Engine(Event::Wire {
        dir: WireDir::Sent,
        code: None,
        text: "NOOP".into(),
        conn: Some(ConnId(0)),
    }));
    app.settle().await;
    assert_eq!(app.screen.frames(), before, "no frame for an unseen line");
    // A key bound to nothing draws nothing either; one that moves does.
    app.key(KeyCode::Char('§'));
    app.settle().await;
    assert_eq!(app.screen.frames(), before);
    app.key(KeyCode::F(9));
    let screen = app.wait_for("Protocol log").await;
    assert!(
        screen.contains("> NOOP"),
        "the unseen line was taken in:\n{screen}"
    );
    assert_eq!(app.frames_after(before + 1).await, before + 1);
    app.key(KeyCode::Char('q'));
    app.ended().await;
}

/// Sends `n` inputs made by `input`, one every 2 ms, and returns how many
/// frames they cost and how long sending took.
async fn trickle(app: &App, n: u64, input: impl Fn(u64) -> Input) -> (usize, Duration) {
    app.settle().await;
    let before = app.screen.frames();
    let t0 = std::time::Instant::now();
    for i in 0..n {
        app.send(input(i));
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let elapsed = t0.elapsed();
    app.settle().await;
    (app.screen.frames() - before, elapsed)
}

#[tokio::test]
async fn frames_come_at_most_every_16_ms_and_every_33_while_transfers_run() {
    use wharf::engine::protocol::{BatchId, Direction, TransferId};
    let mut app = start(Path::new("/"));
    list_local(
        &mut app,
        (0..200).map(|i| file(&format!("f{i:03}"))).collect(),
    )
    .await;
    app.key(KeyCode::Esc);
    app.wait_for("f000").await;
    let down = |_| {
        Input::Terminal(TermEvent::Key(KeyEvent::new(
            KeyCode::Down,
            KeyModifiers::NONE,
        )))
    };
    let (frames, took) = trickle(&app, 100, down).await;
    // One more for the frame the settling drew.
    let most = took.as_millis() as usize / 16 + 2;
    assert!((1..=most).contains(&frames), "{frames} frames in {took:?}");
    app.send(Input::Engine(Event::TransferQueued {
        id: TransferId(1),
        batch: BatchId(1),
        direction: Direction::Download,
        name: "big.iso".into(),
        size: Some(1 << 30),
    }));
    app.wait_for("big.iso").await;
    let progress = |i| {
        Input::Engine(Event::TransferProgress {
            id: TransferId(1),
            done: i * 1000,
            rate: 1000,
        })
    };
    let (frames, took) = trickle(&app, 100, progress).await;
    let most = took.as_millis() as usize / 33 + 2;
    assert!((1..=most).contains(&frames), "{frames} frames in {took:?}");
    // A transfer still runs: q asks first, y quits.
    app.key(KeyCode::Char('q'));
    app.key(KeyCode::Char('y'));
    app.ended().await;
}
