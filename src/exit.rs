//! Exit codes, and the one place errors are mapped to them.

pub const OK: u8 = 0;
/// The command ran but the result is negative (no match, failed files).
pub const NEGATIVE: u8 = 1;
/// Usage, configuration or backend error.
pub const ERROR: u8 = 2;
/// Interrupted by Ctrl-C.
pub const INTERRUPTED: u8 = 130;

/// True when the error is a write to a closed pipe (`facectl list | head -1`): the reader has
/// what it wanted, so the run ends quietly with success, as ripgrep does.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Exit code and one line for people, for any error that reached `main`: the error and its
/// causes, without repeating a cause already in the message.
pub fn classify(err: &anyhow::Error) -> (u8, String) {
    let mut msg = err.to_string();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    (ERROR, msg)
}
