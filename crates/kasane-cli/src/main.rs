//! `kasane`: the command-line face of the engine, for IT staff and scripts. Every command takes
//! `--json`; exit codes are stable (docs/cli.md): 0 ok, 1 internal, 2 bad input, 3 wrong
//! passphrase or recovery code, 4 refused, 5 not found, 6 vault missing/busy/damaged.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    let json = args.json;
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            if json {
                eprintln!(
                    "{}",
                    serde_json::json!({ "error": {
                        "code": e.code(), "kind": e.kind_name(), "message": e.to_string(), "message_ja": e.message_ja()
                    } })
                );
            } else {
                eprintln!("kasane: {}", e.message());
            }
            ExitCode::from(code as u8)
        }
    }
}
