pub async fn run(_: web::AppState, _: usize, _: usize) -> anyhow::Result<()> {
    Ok(())
}
