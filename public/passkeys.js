// Passkeys in the browser: the WebAuthn ceremonies of the login page ("Sign in with a
// passkey", and passkeys in the email field's autofill), the code prompt ("Use your passkey")
// and Settings > Security ("Add a passkey"). Loaded only by those pages, so no other page pays
// for it; without it (no JavaScript) the password-and-code way works as before.
// The words come from the page (data-* attributes), in its language.
(() => {
  "use strict";
  const PKC = window.PublicKeyCredential;
  const supported =
    typeof PKC === "function" &&
    typeof PKC.parseCreationOptionsFromJSON === "function" &&
    typeof PKC.parseRequestOptionsFromJSON === "function";

  // A server function, called as a form would post it; its error's `message` is in the
  // page's language.
  async function post(endpoint, fields) {
    try {
      return await fetch(`/api/${endpoint}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams(fields),
        credentials: "same-origin",
      });
    } catch {
      throw new Refusal(null);
    }
  }

  async function call(endpoint, fields) {
    const response = await post(endpoint, fields);
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Refusal(body && body.message);
    return body;
  }

  class Refusal extends Error {}

  // What to say when the browser's own dialog failed: cancelled or timed out (NotAllowedError),
  // or an authenticator that holds this passkey already (InvalidStateError).
  function browserMessage(error, words) {
    if (error instanceof Refusal) return error.message || words.failed;
    if (error && error.name === "InvalidStateError") return words.already || words.failed;
    if (error && error.name === "NotAllowedError") return words.cancelled;
    return words.failed;
  }

  function show(slot, message) {
    slot.textContent = message;
    slot.hidden = !message;
  }

  async function getAssertion(challenge, mediation, signal) {
    const publicKey = PKC.parseRequestOptionsFromJSON(challenge.options.publicKey);
    const options = { publicKey, signal };
    if (mediation) options.mediation = mediation;
    const credential = await navigator.credentials.get(options);
    return JSON.stringify(credential);
  }

  // The login page: a button, and the email field's autofill where the browser offers it.
  function signIn(root) {
    const words = root.dataset;
    const button = root.querySelector("button");
    const slot = root.querySelector("[role=alert]");
    let conditional = null;

    async function run(mediation, signal) {
      const challenge = await call("sign-in/passkey/begin", {});
      const credential = await getAssertion(challenge, mediation, signal);
      await call("sign-in/passkey", { challenge: challenge.challenge, credential });
      window.location.assign("/");
    }

    button.addEventListener("click", async () => {
      if (conditional) conditional.abort();
      button.disabled = true;
      show(slot, "");
      try {
        await run(null, undefined);
      } catch (error) {
        show(slot, browserMessage(error, words));
        button.disabled = false;
      }
    });

    // Passkeys among the email field's suggestions, from its first focus on.
    const email = document.getElementById(words.emailField || "");
    if (email && typeof PKC.isConditionalMediationAvailable === "function") {
      email.addEventListener(
        "focus",
        async () => {
          if (!(await PKC.isConditionalMediationAvailable())) return;
          conditional = new AbortController();
          try {
            await run("conditional", conditional.signal);
          } catch (error) {
            if (error && error.name === "AbortError") return;
            show(slot, browserMessage(error, words));
          }
        },
        { once: true },
      );
    }
    root.hidden = false;
  }

  // The code prompt: the passkey as the second step after the password.
  function secondFactor(root) {
    const words = root.dataset;
    const button = root.querySelector("button");
    const slot = root.querySelector("[role=alert]");
    button.addEventListener("click", async () => {
      button.disabled = true;
      show(slot, "");
      try {
        const challenge = await call("login/passkey/begin", {});
        const credential = await getAssertion(challenge, null, undefined);
        const fields = { challenge: challenge.challenge, credential };
        const remember = document.querySelector("input[name=remember]");
        if (remember && remember.checked) fields.remember = "on";
        await call("login/passkey", fields);
        window.location.assign("/");
      } catch (error) {
        show(slot, browserMessage(error, words));
        button.disabled = false;
      }
    });
    root.hidden = false;
  }

  // Settings > Security: "Add a passkey", in a dialog of three steps.
  function add(root) {
    const words = root.dataset;
    const opener = document.getElementById(words.opener);
    const steps = {
      password: root.querySelector("[data-step=password]"),
      name: root.querySelector("[data-step=name]"),
      codes: root.querySelector("[data-step=codes]"),
    };
    const slot = root.querySelector("[data-slot=error]");
    let challenge = null;
    let credential = null;
    let fileName = "backup-codes.txt";

    function step(name) {
      for (const [key, element] of Object.entries(steps)) element.hidden = key !== name;
      show(slot, "");
      const first = steps[name].querySelector("input, button");
      if (first) first.focus();
    }

    opener.addEventListener("click", () => {
      for (const form of root.querySelectorAll("form")) form.reset();
      step("password");
      root.showModal();
    });
    for (const cancel of root.querySelectorAll("[data-action=cancel]")) {
      cancel.addEventListener("click", () => root.close());
    }
    root.addEventListener("close", () => {
      if (!steps.codes.hidden || root.dataset.changed) window.location.reload();
    });

    steps.password.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submit = steps.password.querySelector("button[type=submit]");
      submit.disabled = true;
      show(slot, "");
      try {
        const fields = Object.fromEntries(new FormData(steps.password));
        challenge = await call("passkeys/add", fields);
        const publicKey = PKC.parseCreationOptionsFromJSON(challenge.options.publicKey);
        credential = JSON.stringify(await navigator.credentials.create({ publicKey }));
        step("name");
      } catch (error) {
        show(slot, browserMessage(error, words));
      } finally {
        submit.disabled = false;
      }
    });

    steps.name.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submit = steps.name.querySelector("button[type=submit]");
      submit.disabled = true;
      show(slot, "");
      try {
        const name = new FormData(steps.name).get("name");
        const codes = await call("passkeys/add/finish", { challenge: challenge.challenge, name, credential });
        root.dataset.changed = "yes";
        if (codes && codes.codes) {
          fileName = codes.file_name;
          const list = steps.codes.querySelector("ol");
          list.replaceChildren(
            ...codes.codes.map((code) => {
              const item = document.createElement("li");
              item.textContent = code;
              return item;
            }),
          );
          step("codes");
        } else {
          root.close();
        }
      } catch (error) {
        show(slot, browserMessage(error, words));
      } finally {
        submit.disabled = false;
      }
    });
    steps.codes.querySelector("[data-action=download]").addEventListener("click", async () => {
      try {
        const response = await post("two-factor/backup-codes", {});
        if (!response.ok) throw new Refusal(null);
        const link = document.createElement("a");
        link.href = URL.createObjectURL(await response.blob());
        link.download = fileName;
        link.click();
        URL.revokeObjectURL(link.href);
      } catch (error) {
        show(slot, browserMessage(error, words));
      }
    });
    if (opener) opener.hidden = false;
  }

  const kinds = { "sign-in": signIn, "second-factor": secondFactor, add };
  for (const root of document.querySelectorAll("[data-passkey]")) {
    const start = kinds[root.dataset.passkey];
    if (!start) continue;
    if (!supported) {
      const notice = document.getElementById(root.dataset.unsupportedNotice || "");
      if (notice) notice.hidden = false;
      continue;
    }
    start(root);
  }
})();
