//! What the shell and `man` know of wharf: completion scripts
//! (clap_complete) and manual pages (clap_mangen), both made from the
//! definitions in `cli.rs`, so they never drift from the real options.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The name the scripts and pages give the program.
const BIN: &str = "wharf";

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    // Into memory, then printed by the caller: clap_complete panics when
    // its writer fails, and stdout can be a closed pipe.
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
    script
}

/// The manual page (roff) of wharf, or of one of its commands
/// (`wharf-get(1)`, as the main page's COMMANDS section names them).
/// `None` when there is no such command.
pub fn man_page(command: Option<&str>) -> Option<Vec<u8>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Subcommands get their display names (`wharf-get`) when built.
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => cmd.find_subcommand(name)?.clone(),
    };
    let mut roff = Vec::new();
    // Writing into a Vec cannot fail.
    clap_mangen::Man::new(page).render(&mut roff).ok()?;
    Some(roff)
}

/// The commands that have a page of their own.
pub fn man_page_commands() -> Vec<String> {
    Cli::command()
        .disable_help_subcommand(true)
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_page_named_as_the_main_page_names_it() {
        let main = String::from_utf8(man_page(None).expect("main page")).expect("utf-8");
        assert!(main.contains(".TH wharf 1"), "{main}");
        for name in man_page_commands() {
            let page = man_page(Some(&name)).unwrap_or_else(|| panic!("no page for {name}"));
            let page = String::from_utf8(page).expect("utf-8");
            assert!(page.contains(&format!(".TH wharf-{name} 1")), "{page}");
            assert!(
                main.contains(&format!("wharf\\-{name}(1)")),
                "{name} in\n{main}"
            );
        }
        assert!(man_page(Some("nosuch")).is_none());
        assert!(!man_page_commands().contains(&"help".to_string()));
    }
}
