//! The harness itself: a server starts on a fresh database and answers.

use cordtrace_domain::Role;
use cordtrace_tests::TestServer;
use serde_json::json;

#[tokio::test]
async fn a_user_logs_in_and_sees_themselves() {
    let server = TestServer::start().await;
    let token = server.user_token("qa.lead", &[Role::Qa]).await;
    let response = server
        .gql(Some(&token), "{ me { username roles } }", json!({}))
        .await;
    assert_eq!(
        response.data()["me"],
        json!({ "username": "qa.lead", "roles": ["QA"] })
    );
    server.finish().await;
}
