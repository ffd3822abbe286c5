//! Request-response: round trips, timeouts, and the error when the peer is gone.

use std::time::Duration;

use mdn_network::{NetworkEvent, Request, RequestError, Response};

use crate::common::{connected_to, next_request, start, tcp_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_response_round_trip_and_peer_gone() {
    let mut server = start(tcp_config()).await;
    let mut config = tcp_config();
    config.bootnodes = vec![server.addr.clone()];
    let client = start(config).await;
    connected_to(&server.client, &[client.peer_id]).await;

    // The server answers every request it sees, on its own task.
    let server_client = server.client.clone();
    let mut server_events = std::mem::replace(&mut server.events, tokio::sync::mpsc::channel(1).1);
    let responder = tokio::spawn(async move {
        while let Some(event) = server_events.recv().await {
            if let NetworkEvent::InboundRequest {
                request, channel, ..
            } = event
            {
                let response = match request {
                    Request::Decisions { after_seq, limit } => Response::Decisions {
                        items: (0..limit).map(|i| vec![i as u8; 300]).collect(),
                        next_after_seq: Some(after_seq + i64::from(limit)),
                    },
                    Request::ValidatedIds { after_seq, limit } => Response::ValidatedIds {
                        ids: (0..limit).map(|i| vec![i as u8; 32]).collect(),
                        next_after_seq: Some(after_seq + i64::from(limit)),
                    },
                    Request::Script { hash } if hash == [7; 32] => Response::Script {
                        body: Some(b"fn fetch() {}".to_vec()),
                    },
                    Request::Script { .. } => Response::Script { body: None },
                };
                server_client.respond(channel, response).await.unwrap();
            }
        }
    });

    let page = client
        .client
        .request(
            server.peer_id,
            Request::Decisions {
                after_seq: 10,
                limit: 3,
            },
        )
        .await
        .expect("response");
    assert_eq!(
        page,
        Response::Decisions {
            items: vec![vec![0; 300], vec![1; 300], vec![2; 300]],
            next_after_seq: Some(13),
        }
    );
    let ids = client
        .client
        .request(
            server.peer_id,
            Request::ValidatedIds {
                after_seq: 5,
                limit: 2,
            },
        )
        .await;
    assert_eq!(
        ids,
        Ok(Response::ValidatedIds {
            ids: vec![vec![0; 32], vec![1; 32]],
            next_after_seq: Some(7),
        })
    );
    let script = client
        .client
        .request(server.peer_id, Request::Script { hash: [7; 32] })
        .await;
    assert_eq!(
        script,
        Ok(Response::Script {
            body: Some(b"fn fetch() {}".to_vec())
        })
    );
    let missing = client
        .client
        .request(server.peer_id, Request::Script { hash: [8; 32] })
        .await;
    assert_eq!(missing, Ok(Response::Script { body: None }));

    // The server goes away: the request fails with an error, not a hang.
    server.client.shutdown().await.unwrap();
    server.task.await.unwrap();
    responder.await.unwrap();
    let gone = client
        .client
        .request(
            server.peer_id,
            Request::Decisions {
                after_seq: 0,
                limit: 1,
            },
        )
        .await;
    assert!(
        matches!(
            gone,
            Err(RequestError::DialFailure | RequestError::ConnectionClosed)
        ),
        "{gone:?}"
    );
    // And the server's own client now reports the stopped loop.
    assert!(server.client.connected_peers().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_request_times_out() {
    let mut server = start(tcp_config()).await;
    let mut config = tcp_config();
    config.bootnodes = vec![server.addr.clone()];
    config.request_timeout = Duration::from_secs(1);
    let client = start(config).await;
    connected_to(&server.client, &[client.peer_id]).await;

    let pending = tokio::spawn({
        let client = client.client.clone();
        let peer = server.peer_id;
        async move {
            client
                .request(
                    peer,
                    Request::Decisions {
                        after_seq: 0,
                        limit: 1,
                    },
                )
                .await
        }
    });
    // Hold the handle without answering.
    let (_, _, _handle) = next_request(&mut server.events).await;
    let outcome = pending.await.unwrap();
    assert_eq!(outcome, Err(RequestError::Timeout));
}
