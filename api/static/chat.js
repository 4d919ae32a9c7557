// Web chat: posts each message to the API, which forwards it to Rasa's REST channel.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const log = document.getElementById("log");
  const notice = document.getElementById("notice");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const quickExit = document.getElementById("quick-exit");
  let sender = sessionStorage.getItem("passage-sender");
  if (!sender) {
    sender = "web-" + crypto.randomUUID();
    sessionStorage.setItem("passage-sender", sender);
  }

  function say(text) {
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  function show(who, text, buttons) {
    const item = document.createElement("li");
    item.className = who;
    item.textContent = text || "";
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const b of buttons) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", () => send(b.payload, b.title));
        row.appendChild(button);
      }
      item.appendChild(row);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  async function send(message, shown) {
    say("");
    let response;
    try {
      response = await fetch("/chat/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: sender, message: message }),
      });
    } catch (error) {
      say(config.texts.unreachable);
      return false;
    }
    if (!response.ok) {
      say(response.status === 413
        ? config.texts.too_long.replace("{length}", message.length).replace("{limit}", config.maxChars)
        : config.texts.unreachable);
      return false;
    }
    show("user", shown);
    for (const reply of await response.json()) show("bot", reply.text, reply.buttons);
    return true;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) { say(config.texts.empty); return; }
    if (text.length > config.maxChars) {
      say(config.texts.too_long.replace("{length}", text.length).replace("{limit}", config.maxChars));
      return;
    }
    // The text stays in the box until the assistant has answered, so nothing typed is lost.
    if (await send(text, text)) input.value = "";
  });

  // Quick exit: someone is looking over the officer's shoulder. The server unbinds this tab
  // from the officer's account and deletes its transcript (sendBeacon survives the page
  // leaving); the page forgets everything; location.replace leaves no Back entry to return to.
  function leave() {
    const forget = new Blob([JSON.stringify({ sender: sender })], { type: "application/json" });
    navigator.sendBeacon("/chat/forget", forget);
    log.replaceChildren();
    input.value = "";
    sessionStorage.clear();
    location.replace(config.exitUrl);
  }
  quickExit.addEventListener("click", leave);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); leave(); }
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
})();
