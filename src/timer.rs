//! Waiting on an optional deadline inside `tokio::select!`.

/// Sleeps until `at`, or forever when there is no deadline (so a `select!`
/// branch on it simply never fires, and nothing wakes the task).
pub async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
