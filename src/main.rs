//! The `normwatch` binary: parses the command line and hands over to the `api` crate.

use api::{app::BoxError, config::Config, db, telemetry, App};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: a request allocates thousands of small objects (the
/// parsed document, resolver futures, rows), and glibc's allocator took about a tenth of the
/// server's time under load (docs/benchmarks.md, "Profile").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An open registry of cyber norms and of what states do about them, served as GraphQL.
#[derive(Parser)]
#[command(name = "normwatch", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default): migrate, load the bundled data into an empty database, serve.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Validate a data directory and load it (upsert by stable key); nothing is written if any
    /// record is bad.
    Seed {
        /// The data directory (default: the bundled seed/data).
        #[arg(long)]
        path: Option<PathBuf>,
        /// Only validate; write nothing.
        #[arg(long)]
        check: bool,
        /// Validate, then print the per-list table (records, as-of, complete, exact-date share,
        /// PRIMARY/PUBLISHER share) as Markdown; write nothing to the database.
        #[arg(long)]
        report: bool,
        /// With --report: also write the table into the data directory's README.md, between
        /// its marker comments.
        #[arg(long, requires = "report")]
        update_readme: bool,
        /// Overwrite records that people changed in the registry since the seed last wrote them
        /// (by default they are kept and reported); every overwrite still leaves a revision.
        #[arg(long)]
        force: bool,
    },
    /// Write every public list (PUBLISHED records, as anonymous API readers see them), the gap
    /// engine's verdicts and a Frictionless datapackage.json to a directory. Loads the bundled
    /// data into an empty database first, like `serve`.
    Export(ExportArgs),
}

/// The options of `normwatch export`.
#[derive(clap::Args)]
struct ExportArgs {
    /// csv or ndjson.
    #[arg(long, default_value = "csv")]
    format: String,
    /// The directory to write to (created if missing); existing files of the same names are
    /// replaced.
    #[arg(long)]
    out: PathBuf,
    /// The day of the gaps file's verdicts, YYYY-MM-DD (default: today).
    #[arg(long)]
    as_of: Option<String>,
    /// States of the gaps file: ISO alpha-3 codes, comma-separated (default: all).
    #[arg(long)]
    states: Option<String>,
    /// Provision kinds of the gaps file, comma-separated, e.g. HUMAN_RIGHTS_OBLIGATION
    /// (default: all).
    #[arg(long)]
    kinds: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account (the first admin, typically). The password is read from a prompt, or
    /// from standard input when it is not a terminal; never from an argument.
    Create {
        #[arg(long)]
        email: String,
        /// VIEWER, CONTRIBUTOR, EDITOR or ADMIN.
        #[arg(long)]
        role: String,
    },
}

/// Reads a password without echo from a terminal, or one line from piped standard input.
fn read_password() -> std::io::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ")?;
        let again = rpassword::prompt_password("Repeat it: ")?;
        if first != again {
            return Err(std::io::Error::other("the two passwords differ"));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// The command line, with the environment variables each command reads at the end of its
/// `--help` (the configuration is read from the environment, not from flags).
fn command() -> clap::Command {
    let mut cmd = Cli::command().after_help(api::config::variables_help(true));
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let help = api::config::variables_help(name == "serve");
        cmd = cmd.mut_subcommand(name, |s| s.after_help(help));
    }
    cmd
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // A `.env` file in the working directory fills in the variables that are not set (the
    // environment wins); a malformed one stops start-up like a bad variable does.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!(".env: {e}");
            return ExitCode::from(2);
        }
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), BoxError> {
    match command {
        Command::Serve => {
            let app = App::build(config).await?;
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let (conn, _) = db::connect(&config.database_url).await?;
            db::migrate(&conn).await?;
            println!("migrations applied");
        }
        Command::User {
            command: UserCommand::Create { email, role },
        } => {
            let role: entity::UserRole = role
                .trim()
                .to_uppercase()
                .parse()
                .map_err(|e: String| format!("--role: {e}"))?;
            let password = read_password()?;
            let (conn, _) = db::connect(&config.database_url).await?;
            db::migrate(&conn).await?;
            let user = api::schema::user::create_user(
                &conn,
                "command line",
                None,
                &email,
                &password,
                role,
            )
            .await
            .map_err(|e| e.message())?;
            println!("created {} ({})", user.email, user.role);
        }
        Command::Seed {
            path,
            check,
            report,
            update_readme,
            force,
        } => {
            let files = match path {
                Some(dir) => seed::DataFiles::disk(dir),
                None => config.seed_files(),
            };
            let dataset = seed::read_files(&files)?;
            if report {
                let table = seed::report::markdown(&seed::report::lists(&dataset));
                print!("{table}");
                if update_readme {
                    let dir = files.dir().ok_or(
                        "--update-readme writes into a data directory: give it with --path",
                    )?;
                    let path = dir.join("README.md");
                    let readme = std::fs::read_to_string(&path)?;
                    let updated = seed::report::with_table(&readme, &table).ok_or_else(|| {
                        format!(
                            "{}: the marker comments {} and {} are missing",
                            path.display(),
                            seed::report::BEGIN,
                            seed::report::END
                        )
                    })?;
                    std::fs::write(&path, updated)?;
                }
                return Ok(());
            }
            if check {
                println!("{files}: valid");
                return Ok(());
            }
            let (conn, _) = db::connect(&config.database_url).await?;
            db::migrate(&conn).await?;
            let report = seed::load_with(&conn, &dataset, seed::LoadOptions { force }).await?;
            for line in &report.kept {
                println!("{line}");
            }
            println!("{files}: {report}");
        }
        Command::Export(args) => export(args, config).await?,
    }
    Ok(())
}

/// The gaps scope and date of `normwatch export`, checked like the HTTP parameters (errors name
/// the option).
fn gap_params(args: &ExportArgs) -> Result<api::export::gaps::Params, BoxError> {
    use api::export::gaps;
    let mut params = gaps::Params::today();
    let named = |e: api::Error| -> BoxError { format!("--{}", e.message()).into() };
    if let Some(d) = &args.as_of {
        params.as_of = gaps::parse_as_of("as-of", d).map_err(named)?;
    }
    if let Some(s) = &args.states {
        params.states = Some(gaps::parse_states("states", s).map_err(named)?);
    }
    if let Some(k) = &args.kinds {
        params.kinds = Some(gaps::parse_kinds("kinds", k).map_err(named)?);
    }
    Ok(params)
}

/// `normwatch export`: a progress bar per file on standard error when it is a terminal (none
/// otherwise, so logs and CI stay clean), then one line per file on standard output.
async fn export(args: ExportArgs, config: Config) -> Result<(), BoxError> {
    use api::export::directory::{self, Progress};
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    let format: api::export::Format = args
        .format
        .parse()
        .map_err(|e: String| format!("--format: {e}"))?;
    let params = gap_params(&args)?;
    let (conn, _) = db::connect(&config.database_url).await?;
    db::migrate(&conn).await?;
    if config.seed_on_start && db::is_empty(&conn).await? {
        let dataset = seed::read_files(&config.seed_files())?;
        seed::load(&conn, &dataset).await?;
    }
    let draw = std::io::stderr().is_terminal();
    let style = ProgressStyle::with_template("{msg:>22} [{bar:30}] {pos}/{len} rows")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let mut bar = ProgressBar::hidden();
    let summary = directory::export(&conn, &args.out, format, &params, |p| match p {
        Progress::Begin { file, rows } => {
            bar.finish_and_clear();
            bar = match rows {
                Some(n) => ProgressBar::new(n).with_style(style.clone()),
                None => ProgressBar::new_spinner(),
            };
            if !draw {
                bar.set_draw_target(ProgressDrawTarget::hidden());
            }
            bar.set_message(file);
        }
        Progress::Rows(n) => bar.inc(n),
        Progress::Done { .. } => bar.finish_and_clear(),
    })
    .await
    .map_err(|e| e.message())?;
    for (path, rows) in &summary.files {
        println!("{}: {rows} rows", path.display());
    }
    println!(
        "{}: data version {}",
        args.out.join("datapackage.json").display(),
        summary.data_version
    );
    Ok(())
}
