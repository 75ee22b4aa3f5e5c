//! facectl-eval: accuracy and speed evaluation of the face engine (LFW, WIDER, bench).
fn main() {}
