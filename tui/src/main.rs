//! `unitcycle`: the terminal app and the command-line tools over a SQLite replica.

mod app;
mod cli;
mod commands;
mod paths;
mod table;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    quiet_broken_pipe();
    let args = cli::Cli::parse();
    match commands::dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line: the error and its causes, never a backtrace.
            let chain: Vec<String> = err.chain().map(|e| e.to_string()).collect();
            eprintln!("error: {}", chain.join(": "));
            ExitCode::FAILURE
        }
    }
}

/// `unitcycle lifecycle list | head` closes our stdout early: stop quietly instead of
/// reporting a panic (Rust ignores SIGPIPE, so `println!` panics on a closed pipe).
fn quiet_broken_pipe() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        previous(info);
    }));
}
