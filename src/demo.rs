//! STUB
pub struct DemoServer {
    pub server: crate::server::EmbeddedServer,
}
pub async fn start_demo() -> Result<DemoServer, std::io::Error> {
    Err(std::io::Error::other("stub"))
}
