//! Proves that the Discord double (this crate) works with the real serenity client (through
//! poise's re-export) and with a poise framework: every event a test dispatches must reach
//! serenity's handler within 5 s, because serenity silently drops a payload it cannot
//! deserialize.

use std::sync::{Mutex, Once};
use std::time::Duration;

use discord_double::{
    APPLICATION_ID, BOT_USER_ID, CHANNEL_ID, DiscordDouble, GUILD_ID, MEMBER_USER_ID,
    OTHER_CHANNEL_ID, OTHER_GUILD_ID, check_event, perms,
};
use poise::serenity_prelude as serenity;
use serde_json::json;
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(5);

/// What serenity logs when it drops or mangles something the double sent: these messages are at
/// debug/warn level, so a test would not see them without this.
const SILENT_FAILURES: [&str; 5] = [
    "An unknown event was received",
    "Err deserializing",
    "skipping guild channel",
    "Sequence off",
    "Unhandled error",
];

/// Marks the payload `a_broken_payload_is_dropped_silently_and_caught` breaks on purpose.
const BROKEN_MARKER: &str = "deliberately-broken";

/// serenity's log lines that match [`SILENT_FAILURES`], from every test of this binary.
static SILENTLY_FAILED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Installs (once per test binary) a global tracing subscriber that collects serenity's log lines
/// matching [`SILENT_FAILURES`] into [`SILENTLY_FAILED`], whatever RUST_LOG says.
fn catch_silent_failures() {
    use tracing_subscriber::layer::SubscriberExt;
    struct Catch;
    struct Text(String);
    impl tracing::field::Visit for Text {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!("{}={value:?} ", field.name()));
        }
    }
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Catch {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _ctx: tracing_subscriber::layer::Context<'_, S>,
        ) {
            if !event.metadata().target().starts_with("serenity") {
                return;
            }
            let mut text = Text(String::new());
            event.record(&mut text);
            if SILENT_FAILURES.iter().any(|p| text.0.contains(p)) {
                SILENTLY_FAILED
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(text.0);
            }
        }
    }
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Catch));
    });
}

fn assert_no_silent_failures() {
    let seen: Vec<String> = SILENTLY_FAILED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|line| !line.contains(BROKEN_MARKER))
        .cloned()
        .collect();
    assert!(
        seen.is_empty(),
        "serenity dropped or mangled something the double sent: {seen:#?}"
    );
}

#[derive(Debug)]
enum Seen {
    Ready(Box<serenity::Ready>),
    GuildCreate {
        guild_id: u64,
        channel_in_cache: bool,
        bot_member_in_cache: bool,
    },
    Interaction(Box<serenity::Interaction>, Result<(), String>),
    Message(Box<serenity::Message>, Option<Result<u64, String>>),
}

struct Handler {
    tx: mpsc::UnboundedSender<Seen>,
}

#[serenity::async_trait]
impl serenity::EventHandler for Handler {
    async fn ready(&self, _ctx: serenity::Context, ready: serenity::Ready) {
        let _ = self.tx.send(Seen::Ready(Box::new(ready)));
    }

    async fn guild_create(
        &self,
        ctx: serenity::Context,
        guild: serenity::Guild,
        _is_new: Option<bool>,
    ) {
        let (channel_in_cache, bot_member_in_cache) = ctx
            .cache
            .guild(guild.id)
            .map(|g| {
                (
                    g.channels
                        .contains_key(&serenity::ChannelId::new(CHANNEL_ID)),
                    g.members.contains_key(&serenity::UserId::new(BOT_USER_ID)),
                )
            })
            .unwrap_or_default();
        let _ = self.tx.send(Seen::GuildCreate {
            guild_id: guild.id.get(),
            channel_in_cache,
            bot_member_in_cache,
        });
    }

    async fn interaction_create(&self, ctx: serenity::Context, interaction: serenity::Interaction) {
        let result = match &interaction {
            serenity::Interaction::Command(command) => {
                let embed = serenity::CreateEmbed::new()
                    .title("Election hacking")
                    .description("What is known so far, in three points.")
                    .field("Sources", "3 briefs", true);
                let button = serenity::CreateButton::new("brief:more").label("More");
                let message = serenity::CreateInteractionResponseMessage::new()
                    .embed(embed)
                    .components(vec![serenity::CreateActionRow::Buttons(vec![button])]);
                command
                    .create_response(
                        &ctx.http,
                        serenity::CreateInteractionResponse::Message(message),
                    )
                    .await
            }
            serenity::Interaction::Autocomplete(autocomplete) => {
                let choices = serenity::CreateAutocompleteResponse::new()
                    .add_string_choice("Election hacking", "election hacking")
                    .add_string_choice("Elections in Europe", "elections in europe");
                autocomplete
                    .create_response(
                        &ctx.http,
                        serenity::CreateInteractionResponse::Autocomplete(choices),
                    )
                    .await
            }
            serenity::Interaction::Component(component) => {
                component
                    .create_response(&ctx.http, serenity::CreateInteractionResponse::Acknowledge)
                    .await
            }
            _ => Ok(()),
        };
        let _ = self.tx.send(Seen::Interaction(
            Box::new(interaction),
            result.map_err(|e| describe(&e)),
        ));
    }

    async fn message(&self, ctx: serenity::Context, message: serenity::Message) {
        let me = ctx.cache.current_user().id;
        let reply = if !message.author.bot && message.mentions_user_id(me) {
            Some(
                message
                    .reply(&ctx, "Here is the brief.")
                    .await
                    .map(|m| m.id.get())
                    .map_err(|e| e.to_string()),
            )
        } else {
            None
        };
        let _ = self.tx.send(Seen::Message(Box::new(message), reply));
    }
}

/// What the handler reported, with the events a test skipped so far (handlers run concurrently,
/// so events may arrive in another order than dispatched).
struct Events {
    rx: mpsc::UnboundedReceiver<Seen>,
    backlog: std::collections::VecDeque<Seen>,
}

/// The first event (skipped earlier or new) for which `pick` returns `Ok`; `pick` hands back the
/// others, which stay for later calls. Fails the test if none arrives within 5 s.
async fn next_seen<T>(
    events: &mut Events,
    what: &str,
    mut pick: impl FnMut(Seen) -> Result<T, Seen>,
) -> T {
    for _ in 0..events.backlog.len() {
        let seen = events.backlog.pop_front().expect("backlog item");
        match pick(seen) {
            Ok(found) => return found,
            Err(other) => events.backlog.push_back(other),
        }
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, events.rx.recv()).await {
            Ok(Some(seen)) => match pick(seen) {
                Ok(found) => return found,
                Err(other) => events.backlog.push_back(other),
            },
            Ok(None) => panic!("the handler went away while waiting for {what}"),
            Err(_) => panic!(
                "{what} did not reach serenity's handler within 5 s (serenity drops a payload it cannot read)"
            ),
        }
    }
}

async fn next_interaction(
    events: &mut Events,
    id: &str,
) -> (serenity::Interaction, Result<(), String>) {
    next_seen(
        events,
        &format!("INTERACTION_CREATE {id}"),
        |seen| match seen {
            Seen::Interaction(i, result) if i.id().to_string() == id => Ok((*i, result)),
            other => Err(other),
        },
    )
    .await
}

/// `status <HTTP status> code <Discord code>: <message>` for an HTTP error, else the error.
fn describe(err: &serenity::Error) -> String {
    match discord_error_code(err) {
        Some((status, code)) => format!("status {status} code {code}: {err}"),
        None => err.to_string(),
    }
}

fn discord_error_code(err: &serenity::Error) -> Option<(u16, isize)> {
    match err {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) => {
            Some((response.status_code.as_u16(), response.error.code))
        }
        _ => None,
    }
}

#[tokio::test]
async fn payloads_deserialize_with_serenity_types() {
    let double = DiscordDouble::start().await;
    let member = double.member_user();
    let admin = double.admin_user();
    let bot = double.bot_user();

    check_event("GUILD_CREATE", &double.guild_json()).expect("GUILD_CREATE");
    let guild: serenity::Guild = serde_json::from_value(double.guild_json()).expect("guild");
    let channel = &guild.channels[&serenity::ChannelId::new(CHANNEL_ID)];
    let bot_member = &guild.members[&serenity::UserId::new(BOT_USER_ID)];
    let bot_perms = guild.user_permissions_in(channel, bot_member);
    for needed in [
        serenity::Permissions::SEND_MESSAGES,
        serenity::Permissions::EMBED_LINKS,
        serenity::Permissions::VIEW_CHANNEL,
        serenity::Permissions::READ_MESSAGE_HISTORY,
    ] {
        assert!(
            bot_perms.contains(needed),
            "the bot lacks {needed:?} in the channel"
        );
    }

    let command = double.interaction_command(
        "brief",
        json!([{"name": "topic", "type": 3, "value": "election hacking"}]),
        &admin,
    );
    check_event("INTERACTION_CREATE", &command).expect("command interaction");
    let serenity::Interaction::Command(command) =
        serde_json::from_value(command).expect("interaction")
    else {
        panic!("not a command interaction");
    };
    assert_eq!(command.data.name, "brief");
    assert_eq!(command.user.id.get(), admin.id);
    let permissions = command
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .expect("member permissions");
    assert!(permissions.administrator() && permissions.manage_guild());
    assert_eq!(command.application_id.get(), APPLICATION_ID);

    let autocomplete = double.interaction_autocomplete("brief", "topic", "elect", &member);
    check_event("INTERACTION_CREATE", &autocomplete).expect("autocomplete interaction");
    let serenity::Interaction::Autocomplete(autocomplete) =
        serde_json::from_value(autocomplete).expect("interaction")
    else {
        panic!("not an autocomplete interaction");
    };
    let focused = autocomplete.data.autocomplete().expect("a focused option");
    assert_eq!((focused.name, focused.value), ("topic", "elect"));
    let member_perms = autocomplete
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .expect("permissions");
    assert!(!member_perms.administrator() && member_perms.send_messages());

    let message = double.message_create(
        &format!("{} what about election hacking?", bot.mention()),
        &member,
        &[&bot],
    );
    check_event("MESSAGE_CREATE", &message).expect("MESSAGE_CREATE");
    let component = double.interaction_component("brief:more", &message, &member);
    check_event("INTERACTION_CREATE", &component).expect("component interaction");
    let serenity::Interaction::Component(component) =
        serde_json::from_value(component).expect("interaction")
    else {
        panic!("not a component interaction");
    };
    assert_eq!(component.data.custom_id, "brief:more");

    // The checker catches what serenity would silently turn into Event::Unknown.
    let mut broken = double.interaction_command("brief", json!([]), &member);
    broken.as_object_mut().expect("object").remove("token");
    let why = check_event("INTERACTION_CREATE", &broken).expect_err("an interaction without token");
    assert!(why.contains("token"), "{why}");
}

#[tokio::test]
async fn interactions_from_another_guild_and_from_a_dm_deserialize() {
    let double = DiscordDouble::start().await;
    let admin = double.admin_user();
    let command = double.interaction_command("brief", json!([]), &admin);

    let other = double.in_other_guild(command.clone());
    check_event("INTERACTION_CREATE", &other).expect("from another guild");
    let serenity::Interaction::Command(other) = serde_json::from_value(other).expect("interaction")
    else {
        panic!("not a command interaction");
    };
    assert_eq!(other.guild_id.map(|g| g.get()), Some(OTHER_GUILD_ID));
    assert_eq!(other.channel_id.get(), OTHER_CHANNEL_ID);
    let member = other.member.as_ref().expect("a member there");
    assert!(member.permissions.is_some_and(|p| p.administrator()));
    assert_eq!(member.guild_id.get(), OTHER_GUILD_ID);

    let dm = double.in_dm(command);
    check_event("INTERACTION_CREATE", &dm).expect("from a DM");
    let serenity::Interaction::Command(dm) = serde_json::from_value(dm).expect("interaction")
    else {
        panic!("not a command interaction");
    };
    assert_eq!(dm.guild_id, None);
    assert!(dm.member.is_none());
    assert_eq!(dm.user.id.get(), admin.id);
    assert_eq!(dm.context, Some(serenity::InteractionContext::BotDm));
    let channel = serenity::ChannelId::new(dm.channel_id.get());
    assert!(
        double
            .serenity_http("test-token")
            .get_channel(channel)
            .await
            .is_ok_and(|c| c.private().is_some()),
        "the double knows the DM channel"
    );
}

/// Discord's semantics of command lists: `PUT` replaces a scope's whole list, `DELETE` removes
/// one command, and a guild the bot is not in refuses all of it.
#[tokio::test]
async fn command_lists_are_replaced_whole_and_other_guilds_refuse() {
    let double = DiscordDouble::start().await;
    let http = double.serenity_http("test-token");
    http.set_application_id(serenity::ApplicationId::new(APPLICATION_ID));
    let command = |name: &str| serenity::CreateCommand::new(name).description("A command");

    let first = serenity::Command::set_global_commands(&http, vec![command("a"), command("b")])
        .await
        .expect("bulk overwrite");
    let second = serenity::Command::set_global_commands(&http, vec![command("b")])
        .await
        .expect("bulk overwrite");
    let global = serenity::Command::get_global_commands(&http)
        .await
        .expect("list");
    assert_eq!(
        global.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["b"],
        "the old list is replaced, not merged"
    );
    assert_eq!(
        second[0].id, first[1].id,
        "a command that stays keeps its id"
    );
    serenity::Command::delete_global_command(&http, second[0].id)
        .await
        .expect("delete");
    assert!(double.registered_commands(None).is_empty());
    let again = serenity::Command::delete_global_command(&http, second[0].id)
        .await
        .expect_err("already deleted");
    assert_eq!(discord_error_code(&again), Some((404, 10063)));

    let guild = serenity::GuildId::new(GUILD_ID);
    let registered = guild
        .set_commands(&http, vec![command("c")])
        .await
        .expect("in the bot's guild");
    guild
        .delete_command(&http, registered[0].id)
        .await
        .expect("delete in the guild");
    assert!(double.registered_commands(Some(GUILD_ID)).is_empty());

    let other = serenity::GuildId::new(OTHER_GUILD_ID);
    for error in [
        other
            .set_commands(&http, vec![command("c")])
            .await
            .expect_err("not in that guild"),
        other
            .get_commands(&http)
            .await
            .expect_err("not in that guild"),
        other
            .delete_command(&http, registered[0].id)
            .await
            .expect_err("not in that guild"),
    ] {
        assert_eq!(discord_error_code(&error), Some((403, 50001)), "{error}");
    }
    assert!(double.registered_commands(Some(OTHER_GUILD_ID)).is_empty());
}

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
