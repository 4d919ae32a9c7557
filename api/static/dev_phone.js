// The phone sandbox: shows every SMS of each provider number and answers as that provider.
// Polls the API; the reply box of a phone is never redrawn, so nothing typed is lost.
(function () {
  "use strict";
  const texts = JSON.parse(document.getElementById("texts").textContent);
  const phones = document.getElementById("phones");
  const empty = document.getElementById("empty");
  const template = document.getElementById("phone");
  const sections = new Map();

  async function reply(number, body, result) {
    result.textContent = "";
    let response;
    try {
      response = await fetch("/dev/phone/reply", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ number: number, body: body }),
      });
    } catch (error) {
      result.textContent = texts.failed;
      return false;
    }
    result.textContent = response.ok ? texts.sent : texts.failed;
    if (response.ok) refresh();
    return response.ok;
  }

  function section(phone) {
    let found = sections.get(phone.number);
    if (found) return found;
    const node = template.content.firstElementChild.cloneNode(true);
    node.dataset.number = phone.number;
    node.querySelector(".number").textContent = phone.number;
    const form = node.querySelector("form");
    const box = form.querySelector("textarea");
    const result = form.querySelector(".result");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await reply(phone.number, box.value, result)) box.value = "";
    });
    phones.appendChild(node);
    sections.set(phone.number, node);
    return node;
  }

  function quickButton(label, number, body, result) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", () => reply(number, body, result));
    return button;
  }

  function draw(phone) {
    const node = section(phone);
    node.querySelector("h2").textContent =
      phone.providers.length ? phone.providers.join(", ") : texts.unknown_number;
    const list = node.querySelector(".messages");
    const items = phone.messages.map((message) => {
      const item = document.createElement("li");
      item.className = message.direction;
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = texts[message.direction] || "";
      const body = document.createElement("bdi");
      body.textContent = message.body;
      item.append(who, body);
      return item;
    });
    if (list.children.length !== items.length) list.replaceChildren(...items);
    const waiting = phone.waiting.join(" ");
    if (node.dataset.waiting === waiting) return; // keeps the focus on a quick button
    node.dataset.waiting = waiting;
    const quick = node.querySelector(".quick");
    const result = node.querySelector(".result");
    quick.replaceChildren(...phone.waiting.flatMap((code) => [
      quickButton(texts.accept.replace("{code}", code), phone.number, "ACCEPT " + code, result),
      quickButton(texts.decline.replace("{code}", code), phone.number, "DECLINE " + code + " full", result),
    ]));
  }

  async function refresh() {
    let response;
    try {
      response = await fetch("/dev/phone/messages");
    } catch (error) {
      return;
    }
    if (!response.ok) return;
    const found = await response.json();
    empty.hidden = found.length > 0;
    found.forEach(draw);
  }

  refresh();
  setInterval(refresh, 1500);
})();
