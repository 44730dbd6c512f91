//! The accept loop: HTTP/1.1 connections served by hyper, at most `max_connections` of them at
//! once, each closed if a request's headers take longer than `header_read_timeout`, and a
//! graceful shutdown.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use super::Limits;

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting (the listener is
/// closed), lets every connection finish the request it is handling, and returns once all have
/// closed. Dropping the returned future instead cuts off the connections still open.
///
/// Handlers can extract the client's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) {
    let mut http1 = hyper::server::conn::http1::Builder::new();
    // hyper counts the header read timeout from the moment it waits for a request's head: from
    // the connection's start, and again after each response, so it also closes idle keep-alive
    // connections.
    http1
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    // A connection slot is taken before accepting: beyond the bound, clients wait in the
    // kernel's listen backlog until a connection closes, and cost the server nothing meanwhile.
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    // Connections are tasks of this set, so that dropping this future drops them too.
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accept = async {
            let slot = Arc::clone(&slots)
                .acquire_owned()
                .await
                .expect("the connection semaphore is never closed");
            (slot, listener.accept().await)
        };
        let (slot, accepted) = tokio::select! {
            () = &mut shutdown => break,
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = accept => accepted,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                wait_after_accept_error(&error).await;
                continue;
            }
        };
        let service =
            router
                .clone()
                .map_request(move |mut request: axum::http::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(remote));
                    request
                });
        let connection =
            http1.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        connections.spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%remote, error = %error, "connection closed with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    tracing::info!("shutting down: no new connections, finishing requests in flight");
    graceful.shutdown().await;
}

/// Accept errors that concern one connection are skipped at once; others (out of file
/// descriptors) get a pause, as axum's own loop does, instead of a busy loop.
async fn wait_after_accept_error(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %error, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::net::TcpStream;

    use super::*;

    /// A handler that answers with the client's address.
    async fn peer(ConnectInfo(addr): ConnectInfo<SocketAddr>) -> String {
        addr.to_string()
    }

    fn limits() -> Limits {
        Limits {
            max_body_bytes: 1024,
            header_read_timeout: Duration::from_secs(5),
            body_read_timeout: Duration::from_secs(5),
            max_connections: 4,
            max_in_flight_requests: 4,
        }
    }

    #[tokio::test]
    async fn handlers_get_the_clients_address() {
        let router = Router::new().route("/peer", axum::routing::get(peer));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            serve(listener, router, &limits(), async {
                let _ = stopped.await;
            })
            .await;
        });

        let mut stream = TcpStream::connect(addr).await.expect("connected");
        stream
            .write_all(b"GET /peer HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .await
            .expect("sent");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .await
            .expect("answered");
        let client = stream.local_addr().expect("the client's address");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(
            response.ends_with(&client.to_string()),
            "{response} names {client}"
        );

        stop.send(()).expect("the server listens");
        server.await.expect("the server stops");
        assert!(
            TcpStream::connect(addr).await.is_err(),
            "the port is closed"
        );
    }
}
