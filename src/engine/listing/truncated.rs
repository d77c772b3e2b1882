//! Whether the reply that ends a listing says the server cut it short
//! (pure-ftpd: `226 Output truncated to 10000 matches`; others say "too
//! many files", "limit reached"…).

/// The reply's text, when it says the listing is incomplete.
pub fn cut_short(reply_text: &str) -> Option<String> {
    let t = reply_text.to_ascii_lowercase();
    const SIGNS: &[&str] = &[
        "truncat",
        "too many files",
        "too many entries",
        "too many matches",
        "limit reached",
        "limit exceeded",
        "listing limit",
        "output limit",
        "maximum number of files",
        "maximum number of entries",
        "partial listing",
        "listing incomplete",
        "incomplete listing",
    ];
    SIGNS
        .iter()
        .any(|s| t.contains(s))
        .then(|| reply_text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_that_cut_a_listing_short() {
        for text in [
            "Output truncated to 10000 matches",
            "Options: -a -l  Output truncated to 2000 matches",
            "Transfer complete (listing truncated)",
            "Too many files: 50000 listed",
            "Directory listing limit reached",
        ] {
            assert!(cut_short(text).is_some(), "{text}");
        }
        for text in ["Transfer complete", "3 matches total", "Directory send OK."] {
            assert_eq!(cut_short(text), None, "{text}");
        }
    }
}
