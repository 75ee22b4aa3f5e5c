//! Speed benchmark.
use super::Args;
pub fn run(_args: &Args) -> Result<(), String> {
    Err("not yet".into())
}
pub fn prepare(_args: &Args) -> Result<(), String> {
    Err("not yet".into())
}
