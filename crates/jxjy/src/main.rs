//! The jxjy binary: the server and the operators' commands.

mod bench;
mod bench_certificates;
mod bench_import;
mod cli;

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = cli::Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| args.default_log_filter().into()),
        )
        .init();
    cli::run(args).await
}
