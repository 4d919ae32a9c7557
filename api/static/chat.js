// Web chat. Messages go to the API by POST; what the assistant says unasked (a provider's
// answer) arrives over socket.io. On every (re)connection the page asks for the conversation so
// far, so a reload or a lost connection shows what it missed. The conversation is named by an
// HttpOnly cookie and this tab's id: the page never knows the conversation id.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const texts = config.texts;
  const log = document.getElementById("log");
  const notice = document.getElementById("notice");
  const status = document.getElementById("status");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const quickExit = document.getElementById("quick-exit");
  const TAB_KEY = "passage-tab";

  function newTabId() {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode.apply(null, bytes))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  let tab = sessionStorage.getItem(TAB_KEY);
  if (!tab) {
    tab = newTabId();
    sessionStorage.setItem(TAB_KEY, tab);
  }

  // The question the latest bot message asked: a typed answer is sent as given to it, so an
  // answer that arrives after the question moved on is recognised, never taken for the next.
  let currentStep = null;
  const notShownYet = [];

  function say(text) {
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  function setStatus(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }

  function choiceOf(payload) {
    const found = /^\/choose(\{.*\})$/.exec(payload || "");
    if (!found) return null;
    try {
      return JSON.parse(found[1]).choice || null;
    } catch (error) {
      return null;
    }
  }

  function showUser(text) {
    const item = document.createElement("li");
    item.className = "user";
    const words = document.createElement("bdi"); // typed text cannot reorder the page around it
    words.textContent = text;
    item.appendChild(words);
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function buttonRow(buttons, step) {
    const row = document.createElement("div");
    row.className = "buttons";
    for (const b of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.dir = "auto";
      button.addEventListener("click", () => send(b.payload, b.title, step));
      row.appendChild(button);
    }
    return row;
  }

  // A question with several answers is one control: tick the options, then one Done.
  function multipleChoice(message, question) {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.className = "visually-hidden";
    legend.textContent = (message.text || "").split("\n")[0];
    fieldset.appendChild(legend);
    const chosen = new Set(question.chosen || []);
    const boxes = [];
    const others = [];
    let done = null;
    for (const b of message.buttons || []) {
      const code = choiceOf(b.payload);
      if (code && (question.options || []).indexOf(code) >= 0) {
        const label = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.value = code;
        box.checked = chosen.has(code);
        const title = b.title.replace(/^✓ /, "");
        const words = document.createElement("span");
        words.dir = "auto";
        words.textContent = title;
        label.append(box, words);
        fieldset.appendChild(label);
        boxes.push({ box: box, title: title });
      } else if (code === "done") {
        done = b;
      } else {
        others.push(b);
      }
    }
    const row = buttonRow(others, question.step);
    if (done) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "done";
      button.textContent = done.title;
      button.addEventListener("click", () => {
        const ticked = boxes.filter((b) => b.box.checked);
        const payload = "/choose" + JSON.stringify({
          choice: "done",
          selected: ticked.map((b) => b.box.value).join(" "),
          step: question.step,
        });
        const titles = ticked.map((b) => b.title).join("; ");
        // Shown as the officer's message; a long selection reads as a count.
        const shown = !ticked.length
          ? texts.nothing_chosen
          : titles.length <= 200
            ? texts.chosen.replace("{chosen}", titles)
            : texts.chosen_count.replace("{count}", ticked.length);
        send(payload, shown, question.step);
      });
      row.prepend(button);
    }
    fieldset.appendChild(row);
    return fieldset;
  }

  function showBot(message) {
    const passage = (message.custom && message.custom.passage) || {};
    const item = document.createElement("li");
    item.className = "bot";
    item.dir = "auto";
    const words = document.createElement("div");
    words.textContent = message.text || "";
    item.appendChild(words);
    const buttons = message.buttons || [];
    if (passage.multiple) {
      item.appendChild(multipleChoice(message, passage));
    } else if (buttons.length) {
      item.appendChild(buttonRow(buttons, passage.step || null));
    }
    if (passage.step) {
      currentStep = passage.step;
    } else if (!passage.notice) {
      currentStep = null;
    }
    if (passage.notice) notShownYet.push(passage.notice);
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  // Referral notices count as told only once a screen showed them.
  function confirmShown() {
    if (notShownYet.length) socket.emit("shown", { notices: notShownYet.splice(0) });
  }

  function focusNewest(items) {
    for (let i = items.length - 1; i >= 0; i--) {
      const control = items[i].querySelector("input, button");
      if (control) { control.focus({ preventScroll: true }); return; }
    }
    input.focus({ preventScroll: true });
  }

  function failure(response, message) {
    if (response.status === 413) {
      return texts.too_long.replace("{length}", message.length).replace("{limit}", config.maxChars);
    }
    if (response.status === 401) return texts.no_session;
    return texts.unreachable;
  }

  async function send(message, shown, step, typed) {
    say("");
    const body = { tab: tab, message: message };
    const answeredStep = step || currentStep;
    if (answeredStep) body.step = answeredStep;
    if (shown !== message) body.shown = shown;
    let response;
    try {
      response = await fetch("/chat/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
    } catch (error) {
      say(texts.unreachable);
      return false;
    }
    if (!response.ok) {
      say(failure(response, message));
      return false;
    }
    showUser(shown);
    const replies = await response.json();
    const items = replies.map(showBot);
    confirmShown();
    // After a tap the newest controls take the focus; after typing it stays in the box, so the
    // next keystrokes are not taken for a button.
    if (!typed) focusNewest(items);
    return true;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) { say(texts.empty); return; }
    if (text.length > config.maxChars) {
      say(texts.too_long.replace("{length}", text.length).replace("{limit}", config.maxChars));
      return;
    }
    // The text stays in the box until the assistant has answered, so nothing typed is lost.
    if (await send(text, text, null, true)) input.value = "";
  });

  input.addEventListener("keydown", (event) => {
    // Not while an input method is composing a word (Khmer, Thai, Vietnamese keyboards).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  const socket = io({ path: "/socket.io", transports: ["websocket"], auth: { tab: tab } });
  let wasConnected = false;

  // The conversation so far: all of it on a fresh page; after a lost connection only what the
  // page has not shown yet, so ticks not yet sent, the focus and what a screen reader already
  // read stay as they are.
  function showHistory(messages) {
    const shown = log.children.length;
    if (shown === 0) currentStep = null;
    for (const message of messages.slice(shown)) {
      if (message.who === "user") showUser(message.text); else showBot(message);
    }
    confirmShown();
  }

  socket.on("connect", () => {
    socket.emit("history", null, (messages) => {
      if (!Array.isArray(messages)) { setStatus(texts.unreachable); return; }
      showHistory(messages);
      setStatus(wasConnected ? texts.reconnected : "");
      wasConnected = true;
    });
  });
  socket.on("disconnect", () => setStatus(texts.reconnecting));
  socket.on("connect_error", () => setStatus(texts.reconnecting));
  socket.on("bot", (message) => {
    showBot(message);
    confirmShown();
  });

  // Quick exit: someone is looking over the officer's shoulder. The server unbinds this tab
  // from the officer's account, deletes its transcript and drops the chat cookie (sendBeacon
  // survives the page leaving); the page forgets everything; location.replace leaves no Back
  // entry to return to.
  function leave() {
    const forget = new Blob([JSON.stringify({ tab: tab })], { type: "application/json" });
    navigator.sendBeacon("/chat/forget", forget);
    socket.disconnect();
    log.replaceChildren();
    input.value = "";
    sessionStorage.clear();
    location.replace(config.exitUrl);
  }
  quickExit.addEventListener("click", leave);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); leave(); }
  });
})();
