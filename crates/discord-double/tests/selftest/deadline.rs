//! Autosharding, deferred answers, uploads and Discord's 3-second deadline.

use super::*;

/// Answers `/defer` late through the deferred original, `/file` with an upload, anything else
/// with a plain message; reports each result.
struct SlowHandler {
    tx: mpsc::UnboundedSender<(String, Result<(), String>)>,
}

#[serenity::async_trait]
impl serenity::EventHandler for SlowHandler {
    async fn interaction_create(&self, ctx: serenity::Context, interaction: serenity::Interaction) {
        let serenity::Interaction::Command(command) = interaction else {
            return;
        };
        let result = match command.data.name.as_str() {
            "defer" => match command.defer(&ctx.http).await {
                Ok(()) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    let edit = serenity::EditInteractionResponse::new().content("done");
                    command.edit_response(&ctx.http, edit).await.map(drop)
                }
                Err(e) => Err(e),
            },
            "file" => {
                let file = serenity::CreateAttachment::bytes(b"hello brief".to_vec(), "brief.txt");
                let message = serenity::CreateInteractionResponseMessage::new()
                    .content("See the file")
                    .add_file(file);
                let response = serenity::CreateInteractionResponse::Message(message);
                command.create_response(&ctx.http, response).await
            }
            _ => {
                let message = serenity::CreateInteractionResponseMessage::new().content("late");
                let response = serenity::CreateInteractionResponse::Message(message);
                command.create_response(&ctx.http, response).await
            }
        };
        let _ = self
            .tx
            .send((command.data.name.clone(), result.map_err(|e| describe(&e))));
    }
}

/// Autosharding (`GET /gateway/bot`), a deferred answer, a file upload (multipart) and Discord's
/// 3-second deadline for the first answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn defer_upload_and_deadline() {
    catch_silent_failures();
    let double = DiscordDouble::start().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut client = serenity::ClientBuilder::new_with_http(
        double.serenity_http("test-token"),
        serenity::GatewayIntents::non_privileged(),
    )
    .event_handler(SlowHandler { tx })
    .await
    .expect("client");
    let shard_manager = client.shard_manager.clone();
    let runner = tokio::spawn(async move { client.start_autosharded().await });
    assert!(double.wait_ready(WAIT).await, "no session");
    assert!(
        double
            .requests()
            .iter()
            .any(|r| r.is("GET", "/api/v10/gateway/bot"))
    );
    let member = double.member_user();
    let mut answer = async |name: &str| {
        let (got, result) = tokio::time::timeout(WAIT, rx.recv())
            .await
            .expect("the handler answers within 5 s")
            .expect("handler alive");
        assert_eq!(got, name);
        result
    };

    let command = double.interaction_command("defer", json!(null), &member);
    let token = command["token"].as_str().unwrap().to_owned();
    double
        .dispatch("INTERACTION_CREATE", command)
        .await
        .expect("delivered");
    answer("defer").await.expect("defer, then edit");
    let original = double
        .wait_original_response(&token, WAIT)
        .await
        .expect("the deferred original was edited");
    assert_eq!(original["content"], "done");
    let deferred = double.callbacks().pop().expect("a callback");
    assert_eq!(deferred.body["type"], 5);

    let command = double.interaction_command("file", json!(null), &member);
    let token = command["token"].as_str().unwrap().to_owned();
    double
        .dispatch("INTERACTION_CREATE", command)
        .await
        .expect("delivered");
    answer("file").await.expect("the upload");
    let upload = double.callbacks().pop().expect("a callback");
    assert!(
        upload
            .content_type
            .as_deref()
            .unwrap_or_default()
            .starts_with("multipart/form-data")
    );
    assert_eq!(
        upload.files(),
        vec![("brief.txt".to_owned(), b"hello brief".to_vec())]
    );
    assert_eq!(upload.body["data"]["content"], "See the file");
    let original = double.original_response(&token).expect("the original");
    assert_eq!(original["attachments"][0]["filename"], "brief.txt");
    assert_eq!(original["attachments"][0]["size"], 11);

    double.set_interaction_deadline(Duration::ZERO);
    let command = double.interaction_command("late", json!(null), &member);
    double
        .dispatch("INTERACTION_CREATE", command)
        .await
        .expect("delivered");
    let late = answer("late").await.expect_err("too late");
    assert!(late.starts_with("status 404 code 10062"), "{late}");

    // Discord lets an answer be edited for 15 minutes after its question; here for none.
    double.set_interaction_token_lifetime(Duration::ZERO);
    let http = double.serenity_http("test-token");
    http.set_application_id(double.application_id().into());
    let expired = http
        .edit_original_interaction_response(&token, &json!({"content": "later"}), Vec::new())
        .await
        .expect_err("the token expired");
    assert!(
        describe(&expired).starts_with("status 401 code 50027"),
        "{}",
        describe(&expired)
    );

    assert_no_silent_failures();
    shard_manager.shutdown_all().await;
    let stopped = tokio::time::timeout(WAIT, runner)
        .await
        .expect("the client stops within 5 s");
    stopped.expect("client task").expect("client result");
}
