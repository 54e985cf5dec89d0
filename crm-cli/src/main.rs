//! `crm`: the command line of the CRM core.
//!
//! This binary parses arguments, calls crm-core and prints the results;
//! every domain rule lives in the library.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cli;
mod commands;
mod demo;
mod html;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match &cli.command {
        Command::Demo(args) => demo::run(&cli.db, cli.json, args, &mut out),
        Command::Party(cmd) => commands::party::run(&cli.db, cli.json, cmd, &mut out),
        Command::Rel(cmd) => commands::rel::run(&cli.db, cli.json, cmd, &mut out),
        Command::Timeline(args) => commands::activity::timeline(&cli.db, cli.json, args, &mut out),
        Command::Interaction(cmd) => commands::activity::interaction(&cli.db, cli.json, cmd, &mut out),
        Command::Task(cmd) => commands::activity::task(&cli.db, cli.json, cmd, &mut out),
        Command::Pipeline { command } => commands::sales::pipelines(&cli.db, cli.json, command.as_ref(), &mut out),
        Command::Opp(cmd) => commands::sales::opp(&cli.db, cli.json, cmd, &mut out),
        Command::Lead(cmd) => commands::sales::lead(&cli.db, cli.json, cmd, &mut out),
        Command::Product(cmd) => commands::sales::product(&cli.db, cli.json, cmd, &mut out),
        Command::PriceList(cmd) => commands::sales::price_list(&cli.db, cli.json, cmd, &mut out),
        Command::Order(cmd) => commands::sales::order(&cli.db, cli.json, cmd, &mut out),
        Command::Search(args) => commands::dedup::search(&cli.db, cli.json, args, &mut out),
        Command::Dedup(cmd) => commands::dedup::dedup(&cli.db, cli.json, cmd, &mut out),
        Command::Report(args) => commands::report::run(&cli.db, cli.json, args, &mut out),
        Command::Import(cmd) => commands::io::import(&cli.db, cli.json, cmd, &mut out),
        Command::Export(cmd) => commands::io::export(&cli.db, cli.json, cmd, &mut out),
    }
    .and_then(|()| out.flush().map_err(anyhow::Error::from));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<commands::io::RolledBack>().is_some() => {
            // The report is on stdout; say why nothing was imported.
            let _ = out.flush();
            report(&e, cli.json);
            ExitCode::from(commands::io::ROLLED_BACK_STATUS)
        }
        Err(e) => {
            report(&e, cli.json);
            ExitCode::FAILURE
        }
    }
}

/// A reader that went away (`crm party list | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let kind = match c.downcast_ref::<std::io::Error>() {
            Some(io) => Some(io.kind()),
            None => c.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind),
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// Print an error on stderr: a line of text, or a JSON object with
/// `--json`. A validation error names the field that was wrong.
fn report(e: &anyhow::Error, json: bool) {
    let core = e.chain().find_map(|c| c.downcast_ref::<crm_core::Error>());
    let rolled_back = e.downcast_ref::<commands::io::RolledBack>().is_some();
    let mut stderr = std::io::stderr().lock();
    if json {
        let kind = if rolled_back { Some("rolled_back".to_string()) } else { core.map(|c| c.kind().to_string()) };
        let value = serde_json::json!({
            "error": {
                "message": format!("{e:#}"),
                "kind": kind,
                "field": core.and_then(|c| c.field()),
            }
        });
        let _ = writeln!(stderr, "{value}");
    } else {
        let _ = writeln!(stderr, "error: {e:#}");
    }
}
