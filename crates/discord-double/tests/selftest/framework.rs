//! A poise framework against the double, and the trap its checks exist for.

use super::*;

type PoiseError = Box<dyn std::error::Error + Send + Sync>;

/// A news brief on a topic
#[poise::command(slash_command)]
async fn brief(
    ctx: poise::Context<'_, (), PoiseError>,
    #[description = "The topic"] topic: String,
) -> Result<(), PoiseError> {
    let embed = serenity::CreateEmbed::new()
        .title(format!("Brief: {topic}"))
        .description("Three points.");
    ctx.send(poise::CreateReply::default().embed(embed)).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poise_framework_against_the_double() {
    catch_silent_failures();
    let double = DiscordDouble::start().await;
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: vec![brief()],
            ..Default::default()
        })
        .setup(|ctx, _ready, framework| {
            Box::pin(async move {
                let guild = serenity::GuildId::new(GUILD_ID);
                poise::builtins::register_in_guild(ctx, &framework.options().commands, guild)
                    .await?;
                Ok(())
            })
        })
        .build();
    let intents = serenity::GatewayIntents::GUILDS | serenity::GatewayIntents::GUILD_MESSAGES;
    let mut client =
        serenity::ClientBuilder::new_with_http(double.serenity_http("test-token"), intents)
            .framework(framework)
            .await
            .expect("client");
    let shard_manager = client.shard_manager.clone();
    let runner = tokio::spawn(async move { client.start().await });

    let path = format!("/api/v10/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands");
    let registered = double
        .wait_for(|r| r.is("PUT", &path), WAIT)
        .await
        .expect("poise registers its commands");
    assert_eq!(registered.status, 200);
    assert_eq!(registered.body[0]["name"], "brief");
    assert!(
        double
            .requests()
            .iter()
            .any(|r| r.is("GET", "/api/v10/oauth2/applications/@me")),
        "poise initializes owners from the application info"
    );

    let command = double.interaction_command(
        "brief",
        json!([{"name": "topic", "type": 3, "value": "elections"}]),
        &double.admin_user(),
    );
    let id = command["id"].as_str().unwrap().to_owned();
    double
        .dispatch("INTERACTION_CREATE", command)
        .await
        .expect("delivered");
    let callback = double
        .wait_for(
            |r| r.is("POST", &format!("/api/v10/interactions/{id}/*/callback")),
            WAIT,
        )
        .await
        .expect("poise answers the slash command within 5 s");
    assert_eq!(callback.status, 204);
    assert_eq!(
        callback.body["data"]["embeds"][0]["title"],
        "Brief: elections"
    );
    assert_eq!(perms::EVERYONE & perms::SEND_MESSAGES, perms::SEND_MESSAGES);

    assert!(
        double.unmatched_requests().is_empty(),
        "{:#?}",
        double.unmatched_requests()
    );
    assert_no_silent_failures();
    shard_manager.shutdown_all().await;
    let stopped = tokio::time::timeout(WAIT, runner)
        .await
        .expect("the client stops within 5 s");
    stopped.expect("client task").expect("client result");
}

/// The trap the double's checks exist for: serenity drops an interaction it cannot deserialize
/// (here: no `token`) without calling the handler, logging only at debug level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_payload_is_dropped_silently_and_caught() {
    catch_silent_failures();
    let double = DiscordDouble::start().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut client = serenity::ClientBuilder::new_with_http(
        double.serenity_http("test-token"),
        serenity::GatewayIntents::non_privileged(),
    )
    .event_handler(Handler { tx })
    .await
    .expect("client");
    let shard_manager = client.shard_manager.clone();
    let runner = tokio::spawn(async move { client.start().await });
    assert!(double.wait_ready(WAIT).await, "no session");

    let mut broken = double.interaction_command(BROKEN_MARKER, json!([]), &double.member_user());
    broken.as_object_mut().expect("object").remove("token");
    assert!(check_event("INTERACTION_CREATE", &broken).is_err());
    double
        .dispatch_unchecked("INTERACTION_CREATE", broken)
        .await
        .expect("sent");
    let caught = tokio::time::timeout(WAIT, async {
        loop {
            let seen = SILENTLY_FAILED
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            if let Some(line) = seen.into_iter().find(|l| l.contains(BROKEN_MARKER)) {
                return line;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("serenity logs the dropped event at debug level");
    assert!(caught.contains("An unknown event was received"), "{caught}");
    while let Ok(seen) = rx.try_recv() {
        assert!(
            !matches!(seen, Seen::Interaction(..)),
            "the handler got the broken interaction"
        );
    }

    shard_manager.shutdown_all().await;
    let stopped = tokio::time::timeout(WAIT, runner)
        .await
        .expect("the client stops within 5 s");
    stopped.expect("client task").expect("client result");
}
