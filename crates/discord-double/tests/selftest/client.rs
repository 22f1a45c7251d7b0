//! The real serenity client against the double: gateway, REST and every kind of event.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_serenity_client_against_the_double() {
    catch_silent_failures();
    let double = DiscordDouble::start().await;
    // `proxy` alone is not enough: serenity's ratelimiter ignores the proxy.
    let http = serenity::HttpBuilder::new("test-token")
        .proxy(double.http_url())
        .ratelimiter_disabled(true)
        .build();

    let app = http
        .get_current_application_info()
        .await
        .expect("GET /oauth2/applications/@me");
    assert_eq!(app.id.get(), APPLICATION_ID);
    assert!(app.owner.is_some());
    let me = http.get_current_user().await.expect("GET /users/@me");
    assert_eq!(me.id.get(), BOT_USER_ID);
    assert!(me.bot);
    let gateway = http.get_bot_gateway().await.expect("GET /gateway/bot");
    assert_eq!(
        (gateway.url.as_str(), gateway.shards),
        (double.ws_url().as_str(), 1)
    );

    let (tx, rx) = mpsc::unbounded_channel();
    let mut events = Events {
        rx,
        backlog: Default::default(),
    };
    let mut client =
        serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::non_privileged())
            .event_handler(Handler { tx })
            .await
            .expect("client");
    let http = client.http.clone();
    let cache = client.cache.clone();
    let shard_manager = client.shard_manager.clone();
    let runner = tokio::spawn(async move { client.start().await });

    // IDENTIFY, READY, GUILD_CREATE.
    let identify = tokio::time::timeout(WAIT, double.identified())
        .await
        .expect("IDENTIFY within 5 s");
    assert_eq!(
        identify["intents"],
        serenity::GatewayIntents::non_privileged().bits()
    );
    assert!(
        identify["token"]
            .as_str()
            .unwrap_or_default()
            .contains("test-token"),
        "{identify}"
    );
    assert_eq!(identify["shard"], json!([0, 1]));
    assert!(
        double.gateway_connections()[0].contains("v=10"),
        "{:?}",
        double.gateway_connections()
    );
    let ready = next_seen(&mut events, "READY", |s| match s {
        Seen::Ready(r) => Ok(r),
        other => Err(other),
    })
    .await;
    assert_eq!(ready.user.id.get(), BOT_USER_ID);
    assert_eq!(
        http.application_id().map(|id| id.get()),
        Some(APPLICATION_ID)
    );
    let (guild_id, channel_in_cache, bot_member_in_cache) =
        next_seen(&mut events, "GUILD_CREATE", |s| match s {
            Seen::GuildCreate {
                guild_id,
                channel_in_cache,
                bot_member_in_cache,
            } => Ok((guild_id, channel_in_cache, bot_member_in_cache)),
            other => Err(other),
        })
        .await;
    assert_eq!(guild_id, GUILD_ID);
    assert!(channel_in_cache && bot_member_in_cache);
    assert!(double.wait_ready(WAIT).await);
    assert!(cache.guild(serenity::GuildId::new(GUILD_ID)).is_some());

    // Command registration: bulk overwrite, globally and in the guild.
    let option = serenity::CreateCommandOption::new(
        serenity::CommandOptionType::String,
        "topic",
        "The topic",
    )
    .required(true)
    .set_autocomplete(true);
    let create = serenity::CreateCommand::new("brief")
        .description("A news brief on a topic")
        .add_option(option);
    let global = serenity::Command::set_global_commands(&http, vec![create.clone()])
        .await
        .expect("global commands");
    assert_eq!(global[0].name, "brief");
    assert_eq!(global[0].application_id.get(), APPLICATION_ID);
    let in_guild = serenity::GuildId::new(GUILD_ID)
        .set_commands(&http, vec![create])
        .await
        .expect("guild commands");
    assert_eq!(in_guild[0].guild_id.map(|g| g.get()), Some(GUILD_ID));
    assert_eq!(
        double.registered_commands(Some(GUILD_ID))[0]["name"],
        "brief"
    );

    // A slash command reaches the handler, which answers with an embed.
    let member = double.member_user();
    let command = double.interaction_command(
        "brief",
        json!([{"name": "topic", "type": 3, "value": "election hacking"}]),
        &member,
    );
    let (id, token) = (
        command["id"].as_str().unwrap().to_owned(),
        command["token"].as_str().unwrap().to_owned(),
    );
    assert_eq!(command["data"]["id"], json!(in_guild[0].id.to_string()));
    double
        .dispatch("INTERACTION_CREATE", command)
        .await
        .expect("delivered");
    let (interaction, result) = next_interaction(&mut events, &id).await;
    result.expect("create_response");
    let command = interaction.command().expect("a command interaction");
    assert_eq!(command.user.id.get(), MEMBER_USER_ID);
    assert_eq!(
        command.data.options[0].value.as_str(),
        Some("election hacking")
    );
    let path = format!("/api/v10/interactions/{id}/{token}/callback");
    let callback = double
        .wait_for(|r| r.is("POST", &path), WAIT)
        .await
        .expect("callback POST");
    assert_eq!(callback.status, 204);
    assert_eq!(callback.body["type"], 4);
    assert_eq!(
        callback.body["data"]["embeds"][0]["title"],
        "Election hacking"
    );
    assert_eq!(
        callback.body["data"]["components"][0]["components"][0]["custom_id"],
        "brief:more"
    );
    assert!(
        callback
            .authorization
            .as_deref()
            .unwrap_or_default()
            .starts_with("Bot ")
    );

    // The interaction webhook: read, edit, follow up; a second callback is refused like Discord does.
    let original = command.get_response(&http).await.expect("GET @original");
    assert_eq!(
        original.embeds[0].title.as_deref(),
        Some("Election hacking")
    );
    let edited = command
        .edit_response(
            &http,
            serenity::EditInteractionResponse::new().content("Updated brief"),
        )
        .await
        .expect("PATCH @original");
    assert_eq!(
        (edited.content.as_str(), edited.embeds.len()),
        ("Updated brief", 1)
    );
    assert!(edited.edited_timestamp.is_some());
    let followup = command
        .create_followup(
            &http,
            serenity::CreateInteractionResponseFollowup::new()
                .content("More sources")
                .ephemeral(true),
        )
        .await
        .expect("follow-up");
    assert!(
        followup
            .flags
            .is_some_and(|f| f.contains(serenity::MessageFlags::EPHEMERAL))
    );
    let again = command
        .create_response(&http, serenity::CreateInteractionResponse::Acknowledge)
        .await
        .expect_err("a second response");
    assert_eq!(discord_error_code(&again), Some((400, 40060)));

    // Autocomplete.
    let autocomplete = double.interaction_autocomplete("brief", "topic", "elect", &member);
    let id = autocomplete["id"].as_str().unwrap().to_owned();
    double
        .dispatch("INTERACTION_CREATE", autocomplete)
        .await
        .expect("delivered");
    let (interaction, result) = next_interaction(&mut events, &id).await;
    result.expect("autocomplete response");
    let autocomplete = interaction
        .autocomplete()
        .expect("an autocomplete interaction");
    assert_eq!(
        autocomplete.data.autocomplete().map(|o| o.value),
        Some("elect")
    );
    let callback = double
        .wait_for(
            |r| r.is("POST", &format!("/api/v10/interactions/{id}/*/callback")),
            WAIT,
        )
        .await
        .expect("autocomplete callback");
    assert_eq!(callback.body["type"], 8);
    assert_eq!(
        callback.body["data"]["choices"].as_array().map(Vec::len),
        Some(2)
    );

    // A button press on the bot's message.
    let message = double
        .original_response(&token)
        .expect("the original response is stored");
    let component = double.interaction_component("brief:more", &message, &member);
    let id = component["id"].as_str().unwrap().to_owned();
    double
        .dispatch("INTERACTION_CREATE", component)
        .await
        .expect("delivered");
    let (interaction, result) = next_interaction(&mut events, &id).await;
    result.expect("component response");
    let component = interaction
        .message_component()
        .expect("a component interaction");
    assert_eq!(component.data.custom_id, "brief:more");
    assert_eq!(
        component.message.id.to_string(),
        message["id"].as_str().unwrap()
    );
    let callback = double
        .wait_for(
            |r| r.is("POST", &format!("/api/v10/interactions/{id}/*/callback")),
            WAIT,
        )
        .await
        .expect("component callback");
    assert_eq!(callback.body["type"], 6);

    // A message mentioning the bot: content arrives (no MESSAGE_CONTENT intent needed) and the
    // reply passes serenity's cached permission check.
    let bot = double.bot_user();
    let mention = double.message_create(
        &format!("{} what about election hacking?", bot.mention()),
        &member,
        &[&bot],
    );
    let mention_id = mention["id"].as_str().unwrap().to_owned();
    double
        .dispatch("MESSAGE_CREATE", mention)
        .await
        .expect("delivered");
    let (seen, reply) = next_seen(&mut events, "MESSAGE_CREATE", |s| match s {
        Seen::Message(m, reply) if m.id.to_string() == mention_id => Ok((m, reply)),
        other => Err(other),
    })
    .await;
    assert!(
        seen.content.ends_with("what about election hacking?"),
        "{:?}",
        seen.content
    );
    reply.expect("a reply was attempted").expect("the reply");
    let posted = double
        .wait_for(
            |r| r.is("POST", &format!("/api/v10/channels/{CHANNEL_ID}/messages")),
            WAIT,
        )
        .await
        .expect("POST channel message");
    assert_eq!(posted.status, 200);
    assert_eq!(
        posted.body["message_reference"]["message_id"],
        json!(mention_id)
    );
    // Discord echoes the bot's own message back.
    next_seen(&mut events, "the echo of the bot's reply", |s| match s {
        Seen::Message(m, _)
            if m.author.id.get() == BOT_USER_ID && m.referenced_message.is_some() =>
        {
            Ok(())
        }
        other => Err(other),
    })
    .await;

    // Without the MESSAGE_CONTENT intent a message that does not mention the bot has no content.
    let chat = double.message_create("just chatting about the weather", &member, &[]);
    let chat_id = chat["id"].as_str().unwrap().to_owned();
    double
        .dispatch("MESSAGE_CREATE", chat)
        .await
        .expect("delivered");
    let seen = next_seen(&mut events, "MESSAGE_CREATE without mention", |s| match s {
        Seen::Message(m, _) if m.id.to_string() == chat_id => Ok(m),
        other => Err(other),
    })
    .await;
    assert_eq!(seen.content, "");

    // Discord's limits and injected faults come back as serenity errors.
    let channel = serenity::ChannelId::new(CHANNEL_ID);
    let too_long = http
        .send_message(channel, vec![], &json!({"content": "x".repeat(2001)}))
        .await;
    assert_eq!(
        discord_error_code(&too_long.expect_err("2001 characters")),
        Some((400, 50035))
    );
    for (status, arm) in [(500u16, 0), (429, 1)] {
        if arm == 0 {
            double.fail_next_callbacks_500(1);
        } else {
            double.fail_next_callbacks_429(1, 0.05);
        }
        let command = double.interaction_command(
            "brief",
            json!([{"name": "topic", "type": 3, "value": "x"}]),
            &member,
        );
        let id = command["id"].as_str().unwrap().to_owned();
        double
            .dispatch("INTERACTION_CREATE", command)
            .await
            .expect("delivered");
        let (_, result) = next_interaction(&mut events, &id).await;
        let error = result.expect_err("the injected fault");
        assert!(error.starts_with(&format!("status {status} ")), "{error}");
    }

    // Gateway: op 7 Reconnect, then a close with 4000: serenity resumes both times and events flow.
    for (round, how) in ["reconnect", "close 4000"].into_iter().enumerate() {
        let resumes_before = double
            .gateway_frames()
            .iter()
            .filter(|f| f.op == Some(6))
            .count();
        let sent = match how {
            "reconnect" => double.send_reconnect().await,
            _ => double.close_gateway(4000, "unknown error").await,
        };
        assert!(sent, "{how}: no live connection");
        let resumed = tokio::time::timeout(WAIT, async {
            while double
                .gateway_frames()
                .iter()
                .filter(|f| f.op == Some(6))
                .count()
                <= resumes_before
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        assert!(resumed.is_ok(), "{how}: serenity did not RESUME within 5 s");
        assert!(double.wait_ready(WAIT).await, "{how}: no RESUMED session");
        assert_eq!(double.gateway_connections().len(), round + 2);
        let message =
            double.message_create(&format!("{} still there?", bot.mention()), &member, &[&bot]);
        let message_id = message["id"].as_str().unwrap().to_owned();
        double
            .dispatch("MESSAGE_CREATE", message)
            .await
            .expect("delivered");
        next_seen(
            &mut events,
            &format!("MESSAGE_CREATE after {how}"),
            |s| match s {
                Seen::Message(m, _) if m.id.to_string() == message_id => Ok(()),
                other => Err(other),
            },
        )
        .await;
    }
    assert_eq!(
        double.identifies().len(),
        1,
        "serenity resumed, it did not identify again"
    );

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
    assert!(
        double
            .wait_gateway(|f| f.raw.starts_with("close 1000"), WAIT)
            .await
            .is_some(),
        "serenity closes the gateway with 1000 on shutdown"
    );
}
