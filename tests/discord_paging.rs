//! Paged answers within bounds (issue 13), on the real bot against the Discord double: pages
//! drawn when shown, from the library of the moment; a cap on live answers per user and in
//! all; an end before Discord's interaction token expires, however often pressed; a failed
//! reply that does not stop the paging; autocompletion throttled per user.

#[path = "support/bot.rs"]
mod bot;

use std::time::{Duration, Instant};

use bot::{Bot, WAIT, interact};
use discord_double::{DiscordDouble, Fault, Recorded, TestUser};
use serde_json::{Value, json};

/// `n` briefs about election hacking, each quoting Ada Lovelace, one day apart.
fn briefs(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            (
                format!("election-{i}.toml"),
                format!(
                    "id = \"election-{i}\"\ntitle = \"Election hacking report {i}\"\npublished = 2019-01-{:02}\nsummary = \"Part {i} of a series on election hacking.\"\n\n[[quotes]]\nspeaker = \"Ada Lovelace\"\ntext = \"Remark number {i}.\"\n",
                    i + 1
                ),
            )
        })
        .collect()
}

async fn start(double: &DiscordDouble, n: usize, config: &str) -> Bot {
    let briefs = briefs(n);
    let briefs: Vec<(&str, String)> = briefs
        .iter()
        .map(|(name, text)| (name.as_str(), text.clone()))
        .collect();
    Bot::start(double, &briefs, config).await
}

/// A paged answer as the asker sees it.
struct Asked {
    token: String,
    message: Value,
    next: String,
    previous: String,
    first: Recorded,
}

async fn ask(double: &DiscordDouble, command: &str, options: Value, user: &TestUser) -> Asked {
    let first = interact(double, double.interaction_command(command, options, user)).await;
    let token = first.path.rsplit('/').nth(1).unwrap().to_owned();
    let buttons = &first.body["data"]["components"][0]["components"];
    let previous = buttons[0]["custom_id"]
        .as_str()
        .expect("buttons")
        .to_owned();
    let next = buttons[1]["custom_id"]
        .as_str()
        .expect("buttons")
        .to_owned();
    let message = double
        .wait_original_response(&token, WAIT)
        .await
        .expect("the answer exists");
    Asked {
        token,
        message,
        next,
        previous,
        first,
    }
}

async fn ask_brief(double: &DiscordDouble, user: &TestUser) -> Asked {
    ask(
        double,
        "brief",
        json!([{"name": "topic", "type": 3, "value": "election hacking"}]),
        user,
    )
    .await
}

async fn press(double: &DiscordDouble, button: &str, asked: &Asked, user: &TestUser) -> Recorded {
    interact(
        double,
        double.interaction_component(button, &asked.message, user),
    )
    .await
}

/// A press whose answer Discord is made to refuse.
async fn press_failing(
    double: &DiscordDouble,
    button: &str,
    asked: &Asked,
    user: &TestUser,
) -> Recorded {
    double.fail_next("POST", "/callback", Fault::Status(500), 1);
    bot::interact_as_it_goes(
        double,
        double.interaction_component(button, &asked.message, user),
    )
    .await
}

fn footer(body: &Value) -> &str {
    body["data"]["embeds"][0]["footer"]["text"]
        .as_str()
        .unwrap_or_default()
}

/// Whether the bot has removed this answer's paging buttons (an edit of its original
/// response; a `/brief` answer keeps its "More like this" button).
fn buttons_removed(asked: &Asked) -> impl Fn(&Recorded) -> bool + '_ {
    |r| {
        r.method == "PATCH"
            && r.path.contains(&asked.token)
            && r.body["components"].is_array()
            && !r.body["components"].to_string().contains(":next")
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_page_is_drawn_when_shown_from_the_library_of_the_moment() {
    let double = DiscordDouble::start().await;
    let bot = start(&double, 25, "").await;
    let member = double.member_user();
    let latest = ask(&double, "briefs", json!([]), &member).await;
    assert!(footer(&latest.first.body).ends_with("page 1 of 3"));
    let second = press(&double, &latest.next, &latest, &member).await;
    assert!(
        footer(&second.body).ends_with("page 2 of 3"),
        "{}",
        footer(&second.body)
    );
    let third = press(&double, &latest.next, &latest, &member).await;
    let description = third.body["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap();
    assert!(
        description.contains("Election hacking report 4")
            && description.contains("Election hacking report 0"),
        "the oldest five: {description}"
    );

    let quotes = ask(
        &double,
        "quotes",
        json!([{"name": "speaker", "type": 3, "value": "lovelace"}]),
        &member,
    )
    .await;
    assert!(
        footer(&quotes.first.body).starts_with("25 quotes, newest first · page 1 of 9"),
        "{}",
        footer(&quotes.first.body)
    );
    // A newer quote lands in the folder: the next page is drawn from the library with it.
    std::fs::write(
        bot.briefs().join("late.toml"),
        "id = \"late\"\ntitle = \"Late news\"\npublished = 2020-01-01\nsummary = \"Late.\"\n\n[[quotes]]\nspeaker = \"Ada Lovelace\"\ntext = \"The latest remark.\"\n",
    )
    .unwrap();
    bot.wait_log("briefs reloaded").await;
    let turned = press(&double, &quotes.next, &quotes, &member).await;
    assert!(
        footer(&turned.body).starts_with("26 quotes, newest first · page 2 of 9"),
        "{}",
        footer(&turned.body)
    );
    let back = press(&double, &quotes.previous, &quotes, &member).await;
    let first_quote = back.body["data"]["embeds"][0]["fields"][0]["value"]
        .as_str()
        .unwrap();
    assert!(first_quote.contains("The latest remark."), "{first_quote}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_users_fourth_paged_answer_takes_the_buttons_from_their_oldest() {
    let double = DiscordDouble::start().await;
    let _bot = start(&double, 3, "page_timeout_secs = 600").await;
    let member = double.member_user();
    let other = double.admin_user();
    let mut mine = Vec::new();
    for _ in 0..3 {
        mine.push(ask_brief(&double, &member).await);
    }
    let theirs = ask_brief(&double, &other).await;
    let fourth = ask_brief(&double, &member).await;
    let removed = double
        .wait_for(buttons_removed(&mine[0]), WAIT)
        .await
        .expect("the oldest answer of the member lost its buttons");
    assert_eq!(removed.status, 200, "{:?}", removed.response);
    let oldest = double.original_response(&mine[0].token).unwrap();
    assert!(
        oldest["embeds"][0]["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("brief 1 of 3"),
        "its page stays"
    );
    // Checked after the removal above: none of the others lost theirs.
    let requests = double.requests();
    for kept in [&mine[1], &mine[2], &theirs, &fourth] {
        assert!(
            !requests.iter().any(buttons_removed(kept)),
            "a newer answer, or another user's, keeps its buttons"
        );
    }
    let turned = press(&double, &mine[1].next, &mine[1], &member).await;
    assert!(footer(&turned.body).contains("brief 2 of 3"));
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_total_the_oldest_paged_answer_of_all_loses_its_buttons() {
    let double = DiscordDouble::start().await;
    let _bot = start(&double, 3, "paged_answers_total = 2").await;
    let member = double.member_user();
    let other = double.admin_user();
    let first = ask_brief(&double, &member).await;
    let second = ask_brief(&double, &other).await;
    let third = ask_brief(&double, &other).await;
    assert!(
        double
            .wait_for(buttons_removed(&first), WAIT)
            .await
            .is_some(),
        "the oldest of all, another user's, lost its buttons"
    );
    let requests = double.requests();
    assert!(!requests.iter().any(buttons_removed(&second)));
    assert!(!requests.iter().any(buttons_removed(&third)));
}

#[tokio::test(flavor = "multi_thread")]
async fn paging_ends_before_the_interaction_token_expires_however_often_pressed() {
    let double = DiscordDouble::start().await;
    // Discord's 15 minutes, the bot's 14 and its 10 unused, scaled down to seconds.
    double.set_interaction_token_lifetime(Duration::from_secs(9));
    let _bot = start(&double, 3, "page_timeout_secs = 3\npage_lifetime_secs = 6").await;
    let member = double.member_user();
    let asked_at = Instant::now();
    let asked = ask_brief(&double, &member).await;
    let mut presses = 0;
    let mut alive_past_idle = false;
    while asked_at.elapsed() < Duration::from_secs(12) {
        // Next, Previous, Next, ...: the answer has three pages.
        let button = if presses % 2 == 0 {
            &asked.next
        } else {
            &asked.previous
        };
        let interaction = double.interaction_component(button, &asked.message, &member);
        let id = interaction["id"].as_str().unwrap().to_owned();
        double.dispatch("INTERACTION_CREATE", interaction).await;
        // Once the answer has ended, nobody answers the press.
        let answered = double
            .wait_for(
                |r| r.is("POST", &format!("/api/v10/interactions/{id}/*/callback")),
                Duration::from_secs(1),
            )
            .await;
        if answered.is_some() {
            presses += 1;
            alive_past_idle |= asked_at.elapsed() > Duration::from_secs(4);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        alive_past_idle,
        "presses kept the answer past its idle timeout"
    );
    let removed = double
        .wait_for(buttons_removed(&asked), WAIT)
        .await
        .expect("the buttons were removed");
    assert_eq!(
        removed.status, 200,
        "removed while the token still worked: {:?}",
        removed.response
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_that_fails_does_not_stop_the_askers_paging() {
    let double = DiscordDouble::start().await;
    let _bot = start(&double, 3, "").await;
    let member = double.member_user();
    let other = double.admin_user();
    let asked = ask_brief(&double, &member).await;
    // Telling someone else that the pages are not theirs fails.
    let refused = press_failing(&double, &asked.next, &asked, &other).await;
    assert_eq!(refused.status, 500);
    let turned = press(&double, &asked.next, &asked, &member).await;
    assert_eq!(turned.body["type"], 7);
    assert!(footer(&turned.body).contains("brief 2 of 3"));
    // Turning the asker's own page fails: the page stays, and the next press turns it.
    let failed = press_failing(&double, &asked.next, &asked, &member).await;
    assert_eq!(failed.status, 500);
    let turned = press(&double, &asked.next, &asked, &member).await;
    assert!(
        footer(&turned.body).contains("brief 3 of 3"),
        "{}",
        footer(&turned.body)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn autocompletion_is_throttled_per_user() {
    let double = DiscordDouble::start().await;
    // The default: 5 a second.
    let _bot = start(&double, 30, "").await;
    let member = double.member_user();
    let mut ids = Vec::new();
    for _ in 0..20 {
        let typed = double.interaction_autocomplete("brief", "topic", "elec", &member);
        ids.push(typed["id"].as_str().unwrap().to_owned());
        double.dispatch("INTERACTION_CREATE", typed).await;
    }
    let mut offered = 0;
    for id in &ids {
        let callback = double
            .wait_for(
                |r| r.is("POST", &format!("/api/v10/interactions/{id}/*/callback")),
                WAIT,
            )
            .await
            .expect("every keystroke is answered");
        if callback.body["data"]["choices"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
        {
            offered += 1;
        }
    }
    assert!(offered >= 1, "the first keystrokes get choices");
    assert!(
        offered < ids.len(),
        "past 5 a second, keystrokes get none ({offered} of {} got choices)",
        ids.len()
    );
    let theirs = interact(
        &double,
        double.interaction_autocomplete("brief", "topic", "elec", &double.admin_user()),
    )
    .await;
    assert!(
        theirs.body["data"]["choices"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "another user is not affected"
    );
}
