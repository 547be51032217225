//! `planoai init`: write a starter config from a built-in template ([`crate::templates`]).
//!
//! `--template ID` or `--clean` choose non-interactively; with neither, a numbered chooser runs
//! when stdin and stdout are both terminals (a line read from stdin: no TUI dependency for one
//! question), and otherwise `init` fails, naming the flags to use — a script must never hang
//! waiting for input. An existing output file is kept unless `--force` is given.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use plano_config::{EnvPolicy, load_str};

use crate::cli::InitArgs;
use crate::templates::{self, TEMPLATES, Template};

/// What `init` writes.
#[derive(Clone, Copy)]
enum Choice {
    Template(&'static Template),
    Clean,
}

impl Choice {
    fn text(self) -> &'static str {
        match self {
            Choice::Template(t) => t.text,
            Choice::Clean => templates::CLEAN,
        }
    }

    fn label(self) -> String {
        match self {
            Choice::Template(t) => format!("template {}", t.id),
            Choice::Clean => "a minimal config".to_owned(),
        }
    }
}

pub fn run(args: &InitArgs) -> Result<ExitCode> {
    if args.list_templates {
        print!("{}", listing());
        return Ok(ExitCode::SUCCESS);
    }
    // Refuse before asking anything: choosing a template only to be told the file exists
    // wastes the user's time.
    if !args.force && args.output.exists() {
        eprintln!(
            "Refusing to overwrite existing file: {} (use --force)",
            args.output.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let choice = match (&args.template, args.clean) {
        (Some(id), _) => match templates::find(id) {
            Some(t) => Choice::Template(t),
            None => {
                eprintln!("Unknown template: {id}");
                eprint!("{}", listing());
                return Ok(ExitCode::FAILURE);
            }
        },
        (None, true) => Choice::Clean,
        (None, false) => {
            if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
                bail!(
                    "no template chosen and no terminal to ask on; use `--template <id>` \
                     (see `--list-templates`) or `--clean`"
                );
            }
            let stdin = std::io::stdin();
            match choose(&mut stdin.lock(), &mut std::io::stdout())? {
                Some(c) => c,
                None => {
                    eprintln!("No choice made; nothing written.");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    };
    write(&args.output, choice.text(), args.force)?;
    println!("✓ wrote {} ({})", args.output.display(), choice.label());
    print!("{}", next_steps(&args.output, choice.text()));
    Ok(ExitCode::SUCCESS)
}

/// `--list-templates`, also shown after an unknown id.
fn listing() -> String {
    let width = TEMPLATES.iter().map(|t| t.id.len()).max().unwrap_or(0);
    let mut s = String::from("Templates (planoai init --template <id>):\n");
    for t in TEMPLATES {
        s.push_str(&format!("  {:<width$}  {}\n", t.id, t.summary));
    }
    s.push_str("Or `planoai init --clean` for a minimal config.\n");
    s
}

/// The interactive chooser: a numbered list, one answer per line. Empty picks the first entry;
/// a template id is accepted as well as its number; end of input means no choice.
fn choose(input: &mut dyn BufRead, out: &mut dyn Write) -> Result<Option<Choice>> {
    let clean_number = TEMPLATES.len() + 1;
    writeln!(out, "Choose a starting point for your Plano config:")?;
    for (i, t) in TEMPLATES.iter().enumerate() {
        writeln!(out, "  {}) {:<34} {}", i + 1, t.id, t.summary)?;
    }
    writeln!(
        out,
        "  {clean_number}) {:<34} one model listener, one provider",
        "clean"
    )?;
    loop {
        write!(out, "Number or name [1]: ")?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line).context("reading the answer")? == 0 {
            writeln!(out)?;
            return Ok(None);
        }
        let answer = line.trim();
        let picked = match answer.parse::<usize>() {
            _ if answer.is_empty() => TEMPLATES.first().map(Choice::Template),
            Ok(n) if n == clean_number => Some(Choice::Clean),
            Ok(n) => n
                .checked_sub(1)
                .and_then(|i| TEMPLATES.get(i))
                .map(Choice::Template),
            Err(_) if answer == "clean" => Some(Choice::Clean),
            Err(_) => templates::find(answer).map(Choice::Template),
        };
        match picked {
            Some(c) => return Ok(Some(c)),
            None => writeln!(out, "Not a choice: {answer}")?,
        }
    }
}

/// Writes `text` to `path`. Without `force` the file is created exclusively, so a file that
/// appeared since the first check is still not overwritten.
fn write(path: &Path, text: &str, force: bool) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "Refusing to overwrite existing file: {} (use --force)",
                path.display()
            )
        }
        Err(e) => return Err(e).with_context(|| format!("writing {}", path.display())),
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

/// What to do after `init`: the key variables the config needs that this shell lacks, then the
/// command that starts it.
fn next_steps(path: &Path, text: &str) -> String {
    let mut s = String::new();
    if let Ok(loaded) = load_str(text, &|name| std::env::var(name).ok(), EnvPolicy::Lenient)
        && !loaded.missing_env.is_empty()
    {
        let env_file = plano_config::dotenv_path(path);
        s.push_str(&format!(
            "Set {} (export, or add to {}), then:\n",
            loaded.missing_env.join(", "),
            env_file.display()
        ));
    } else {
        s.push_str("Next:\n");
    }
    s.push_str(&format!("  planoai up {}\n", path.display()));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(answers: &str) -> (Option<&'static str>, String) {
        let mut out = Vec::new();
        let choice = choose(&mut answers.as_bytes(), &mut out).unwrap();
        (choice.map(|c| c.text()), String::from_utf8(out).unwrap())
    }

    #[test]
    fn chooser_accepts_numbers_names_and_a_default() {
        assert_eq!(pick("2\n").0, Some(TEMPLATES[1].text));
        assert_eq!(pick("\n").0, Some(TEMPLATES[0].text));
        assert_eq!(
            pick("filter_chain_guardrails\n").0,
            templates::find("filter_chain_guardrails").map(|t| t.text)
        );
        assert_eq!(
            pick(&format!("{}\n", TEMPLATES.len() + 1)).0,
            Some(templates::CLEAN)
        );
        assert_eq!(pick("clean\n").0, Some(templates::CLEAN));
    }

    #[test]
    fn chooser_reasks_on_a_bad_answer_and_gives_up_at_end_of_input() {
        let (choice, out) = pick("0\n99\nbogus\n3\n");
        assert_eq!(choice, Some(TEMPLATES[2].text));
        assert_eq!(out.matches("Not a choice").count(), 3, "{out}");
        for t in TEMPLATES {
            assert!(out.contains(t.id), "{out}");
        }
        assert_eq!(pick("").0, None);
        assert_eq!(pick("bogus\n").0, None);
    }

    #[test]
    fn listing_names_every_template_and_clean() {
        let l = listing();
        for t in TEMPLATES {
            assert!(l.contains(t.id) && l.contains(t.summary), "{l}");
        }
        assert!(l.contains("--clean"));
    }

    #[test]
    fn write_refuses_an_existing_file_unless_forced() {
        let dir = std::env::temp_dir().join(format!("planoai-init-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("nested/config.yaml");
        write(&path, "first", false).unwrap();
        let err = write(&path, "second", false).unwrap_err();
        assert!(err.to_string().contains("Refusing to overwrite"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        write(&path, "second", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
    }
}
