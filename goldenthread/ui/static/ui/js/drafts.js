/* Never lose a word (#16, OS-9, SEC-5; docs/adr/0016-never-lose-a-word.md).

   On every page of a person's record (/people/<id>/...), what is typed into a box of a
   form that saves (method="post": textareas and one-line text boxes) is kept on the
   server for the person typing it, a moment after they stop typing and again as they
   leave the page. Coming back, it is put back in its box with "We kept what you typed
   here"; it is forgotten once those words are saved (people/middleware.py). Leaving a page
   with text that is not saved asks first. If the session has ended, the text goes with
   the sign-in (accounts' FormStash) and comes back after signing in again.

   Without JavaScript nothing is kept as you type; every form still saves as before.
   Text is only ever put into boxes as a value, never as markup. */
(function () {
    "use strict";

    var match = /^\/people\/([0-9a-f-]{36})\//.exec(window.location.pathname);
    if (!match || !window.fetch || !window.URLSearchParams) {
        return;
    }
    var draftsUrl = "/people/" + match[1] + "/drafts/";
    var page = window.location.pathname;
    if (page.indexOf(draftsUrl) === 0) {
        return;
    }
    var SECRET = /password|token|secret|csrf|^code$|^otp$/i;
    var WAIT_MS = 1000;
    var kept = {};       // key -> the words the server holds for this box
    var timer = null;
    var leaving = false;
    var signedOut = false;

    function csrfToken() {
        var input = document.querySelector("input[name='csrfmiddlewaretoken']");
        return input ? input.value : "";
    }

    function same(a, b) {
        return String(a).split(/\s+/).join(" ").trim() === String(b).split(/\s+/).join(" ").trim();
    }

    function actionOf(form) {
        return new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname;
    }

    // Every box on the page, each with a key that finds it again on the next visit: the
    // address its form posts to, the form's place among forms posting there, the box's
    // place among boxes of the same name in that form, and its name.
    function boxes() {
        var found = [];
        var forms = {};
        Array.prototype.forEach.call(document.forms, function (form) {
            if ((form.getAttribute("method") || "get").toLowerCase() !== "post" ||
                    form.hasAttribute("data-no-draft")) {
                return;
            }
            var action = actionOf(form);
            forms[action] = forms[action] === undefined ? 0 : forms[action] + 1;
            var names = {};
            Array.prototype.forEach.call(form.querySelectorAll("textarea[name], input[type='text'][name]"), function (el) {
                if (SECRET.test(el.name) || el.hasAttribute("data-no-draft") || el.readOnly || el.disabled) {
                    return;
                }
                names[el.name] = names[el.name] === undefined ? 0 : names[el.name] + 1;
                found.push({
                    el: el,
                    form: form,
                    key: action + "|" + forms[action] + "|" + names[el.name] + "|" + el.name
                });
            });
        });
        return found;
    }

    function unsaved(box) {
        return !same(box.el.value, box.el.defaultValue);
    }

    function showSignedOut() {
        if (signedOut) {
            return;
        }
        signedOut = true;
        notice("You have been signed out to keep records safe. What you typed has been kept: " +
               "sign in again and it will be offered back to you.", "warning");
    }

    function notice(text, state) {
        var header = document.querySelector(".ds_layout__header") || document.querySelector("main");
        if (!header) {
            return;
        }
        var box = document.createElement("div");
        box.className = "ds_notification-message ds_notification-message--" + state + " gt_draft-notice";
        box.setAttribute("role", "status");
        var body = document.createElement("div");
        body.className = "ds_notification-message__body";
        var p = document.createElement("p");
        p.textContent = text;
        body.appendChild(p);
        box.appendChild(body);
        header.insertBefore(box, header.firstChild);
    }

    // Send the boxes with unsaved words (and an empty text for a box whose draft is no
    // longer needed). `except` is a form being sent now: its own words travel with it.
    function send(options) {
        options = options || {};
        window.clearTimeout(timer);
        timer = null;
        if (signedOut) {
            return;
        }
        var body = new URLSearchParams();
        body.append("page", page);
        var count = 0;
        boxes().forEach(function (box) {
            if (options.except && box.form === options.except) {
                return;
            }
            if (unsaved(box)) {
                if (kept[box.key] === box.el.value) {
                    return;  // kept already, word for word
                }
                body.append("draft_key", box.key);
                body.append("draft_text", box.el.value);
                kept[box.key] = box.el.value;
                count += 1;
            } else if (kept[box.key] !== undefined) {
                body.append("draft_key", box.key);
                body.append("draft_text", "");
                delete kept[box.key];
                count += 1;
            }
        });
        if (!count) {
            return;
        }
        var sent = body.getAll("draft_key");
        window.fetch(draftsUrl, {
            method: "POST",
            body: body,
            credentials: "same-origin",
            keepalive: Boolean(options.leaving),
            headers: {"X-CSRFToken": csrfToken(), "X-GT-Draft": "1"}
        }).then(function (response) {
            if (response.status === 401 || response.status === 403 ||
                    (response.redirected && new URL(response.url).pathname.indexOf("/account/") === 0)) {
                showSignedOut();
            } else if (!response.ok) {
                sent.forEach(function (key) { delete kept[key]; });  // try again shortly
                later();
            }
        }).catch(function () {
            sent.forEach(function (key) { delete kept[key]; });  // try again shortly
            later();
        });
    }

    function later() {
        window.clearTimeout(timer);
        timer = window.setTimeout(send, WAIT_MS);
    }

    function putBack(box, saved) {
        box.el.value = box.text;
        var note = document.createElement("p");
        note.className = "ds_hint-text gt_draft-note";
        note.id = (box.el.id || box.el.name) + "-kept";
        note.textContent = "We kept what you typed here" + (saved ? " on " + saved : "") +
            ". It is not saved yet.";
        box.el.parentNode.insertBefore(note, box.el);
        var described = box.el.getAttribute("aria-describedby");
        box.el.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    }

    function restore() {
        window.fetch(draftsUrl + "?" + new URLSearchParams({page: page}).toString(), {
            credentials: "same-origin",
            headers: {"X-GT-Draft": "1"}
        }).then(function (response) {
            return response.ok && !response.redirected ? response.json() : null;
        }).then(function (data) {
            if (!data) {
                return;
            }
            var byKey = {};
            boxes().forEach(function (box) { byKey[box.key] = box; });
            var putBackCount = 0;
            var stale = false;
            data.drafts.forEach(function (draft) {
                var box = byKey[draft.key];
                if (!box) {
                    return;
                }
                kept[draft.key] = draft.text;
                if (same(box.el.value, draft.text)) {
                    stale = stale || same(box.el.defaultValue, draft.text);
                    return;
                }
                if (unsaved(box)) {
                    return;  // typed since the page loaded: what is in the box now wins
                }
                box.text = draft.text;
                putBack(box, draft.saved);
                putBackCount += 1;
            });
            if (putBackCount) {
                notice("We kept what you typed and have put it back in " +
                       (putBackCount === 1 ? "its box" : putBackCount + " boxes") +
                       ". It is not saved yet: check it, then save.", "info");
            }
            if (stale) {
                send();  // those words are saved now: forget their drafts
            }
        }).catch(function () { /* the page works without its drafts */ }).then(function () {
            document.documentElement.setAttribute("data-gt-drafts", "restored");
        });
    }

    document.addEventListener("input", function (event) {
        var el = event.target;
        if (el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text")) &&
                el.form && (el.form.getAttribute("method") || "").toLowerCase() === "post") {
            later();
        }
    });

    // A form sent the ordinary way leaves the page: keep the other forms' words first.
    document.addEventListener("submit", function (event) {
        if (event.defaultPrevented) {
            return;  // htmx sends it without leaving the page
        }
        leaving = true;
        // Its own boxes' drafts are forgotten once it is saved (people/middleware.py).
        var form = event.target;
        form.querySelectorAll("input[name='gt_draft_key']").forEach(function (el) { el.remove(); });
        boxes().forEach(function (box) {
            if (box.form === form) {
                var input = document.createElement("input");
                input.type = "hidden";
                input.name = "gt_draft_key";
                input.value = box.key;
                form.appendChild(input);
                delete kept[box.key];
            }
        });
        if (timer !== null) {
            send({except: form, leaving: true});
        }
    });

    window.addEventListener("beforeunload", function (event) {
        if (leaving) {
            return;
        }
        var waiting = boxes().filter(unsaved);
        send({leaving: true});
        if (waiting.length && !signedOut) {
            // The browser asks "Leave site? Changes you made may not be saved."
            event.preventDefault();
            event.returnValue = "";
        }
    });

    window.addEventListener("pageshow", function () {
        leaving = false;
    });

    document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden" && timer !== null) {
            send({leaving: true});
        }
    });

    // Nothing to keep on a page without boxes (an error page, a read-only page): no
    // request at all.
    if (boxes().length) {
        restore();
    }
})();
