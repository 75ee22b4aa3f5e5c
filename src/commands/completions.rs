//! `facectl completions <shell>` and the hidden `facectl manpage`.

use crate::exit;
use anyhow::Result;

pub fn run(args: crate::cli::CompletionsArgs) -> Result<u8> {
    let mut cmd = crate::cli::command();
    clap_complete::generate(args.shell, &mut cmd, "facectl", &mut std::io::stdout());
    Ok(exit::OK)
}

pub fn manpage() -> Result<u8> {
    let cmd = crate::cli::command();
    clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
    Ok(exit::OK)
}
