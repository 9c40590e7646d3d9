/* Golden Thread page behaviour. Loaded with defer after the SGDS module bundle
   (which sets window.DS) and htmx, so both are ready when this runs. */
(function () {
    "use strict";

    // SGDS components started on content that htmx swaps in. The whole-page
    // DS.initAll() also wires up skip links and tracking, which must happen once only.
    var MODULES = {
        "ds-accordion": "Accordion",
        "ds-back-to-top": "BackToTop",
        "ds-character-count": "CharacterCount",
        "ds-checkboxes": "Checkboxes",
        "ds-datepicker": "DatePicker",
        "ds-details": "Details",
        "ds-file-upload": "FileUpload",
        "ds-notification": "NotificationBanner",
        "ds-notification-message": "NotificationMessage",
        "ds-side-navigation": "SideNavigation",
        "ds-step-navigation": "StepNavigation",
        "ds-tabs": "Tabs"
    };

    function initWithin(root) {
        if (!window.DS || !root.querySelectorAll) {
            return;
        }
        var elements = Array.prototype.slice.call(root.querySelectorAll("[data-module]:not(.js-instantiated)"));
        if (root.matches("[data-module]:not(.js-instantiated)")) {
            elements.unshift(root);
        }
        elements.forEach(function (element) {
            var Component = window.DS.components[MODULES[element.getAttribute("data-module")]];
            if (Component) {
                new Component(element).init();
            }
        });
        root.querySelectorAll("table[data-smallscreen]:not(.js-instantiated)").forEach(function (table) {
            new window.DS.components.MobileTable(table).init();
            if (table.getAttribute("data-smallscreen") === "scrolling") {
                keyboardScrollable(table);
            }
        });
    }

    // A table that scrolls sideways on a small screen can be reached and scrolled with the
    // keyboard (WCAG 2.1.1; axe "scrollable-region-focusable"): while it scrolls it takes
    // focus, and is named by its caption for screen readers.
    function keyboardScrollable(table) {
        function sync() {
            var scrolls = table.classList.contains("js-is-scrolling") &&
                table.scrollWidth > table.clientWidth;
            if (scrolls) {
                table.setAttribute("tabindex", "0");
                var caption = table.querySelector("caption");
                if (caption && !table.hasAttribute("aria-label")) {
                    table.setAttribute("aria-label", caption.textContent.trim() + " (scrolls sideways)");
                }
            } else {
                table.removeAttribute("tabindex");
            }
        }
        sync();
        window.addEventListener("resize", sync);
    }

    // Move focus to the error summary so screen reader users hear what to fix.
    function focusErrorSummary(root) {
        var summary = root.querySelector(".ds_error-summary");
        if (summary) {
            summary.setAttribute("tabindex", "-1");
            summary.focus();
        }
    }

    // An error summary link focuses its input and shows the question's label or legend.
    document.addEventListener("click", function (event) {
        var link = event.target.closest(".ds_error-summary__list a[href^='#']");
        if (!link) {
            return;
        }
        var input = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
        if (!input) {
            return;
        }
        event.preventDefault();
        var question = input.closest(".ds_question") || input;
        question.scrollIntoView();
        input.focus({ preventScroll: true });
    });

    // htmx makes a request only for an element the server rendered for it: one carrying
    // this page's token (data-gt-htmx), to this site, with GET or POST (#11). The htmx
    // config in the base layout already ignores unmarked elements; this is the second lock.
    var tokenMeta = document.querySelector("meta[name='gt-htmx-token']");
    var htmxToken = tokenMeta ? tokenMeta.getAttribute("content") : "";

    function renderedByServer(element) {
        var marked = element && element.closest ? element.closest("[data-gt-htmx]") : null;
        return Boolean(htmxToken) && marked !== null &&
            marked.getAttribute("data-gt-htmx") === htmxToken;
    }

    document.addEventListener("htmx:validateUrl", function (event) {
        if (!event.detail.sameHost || !renderedByServer(event.detail.elt)) {
            event.preventDefault();
        }
    });

    document.addEventListener("htmx:beforeRequest", function (event) {
        var verb = String((event.detail.requestConfig || {}).verb || "").toLowerCase();
        if (!renderedByServer(event.detail.elt) || (verb !== "get" && verb !== "post")) {
            event.preventDefault();
        }
    });

    // A request refused because the page's form token no longer matches (the person signed
    // out or in on another tab, or the page was open too long: core.views.csrf_failure)
    // says so in its part of the page. htmx leaves a 4xx unswapped, so it went unseen.
    document.addEventListener("htmx:beforeSwap", function (event) {
        var xhr = event.detail.xhr;
        if (xhr && xhr.status === 403 && xhr.getResponseHeader("GT-Form-Expired") === "1") {
            event.detail.shouldSwap = true;
            event.detail.isError = false;
        }
    });

    if (window.DS) {
        window.DS.initAll();
    }
    document.querySelectorAll("table[data-smallscreen='scrolling']").forEach(keyboardScrollable);
    focusErrorSummary(document);

    document.addEventListener("htmx:load", function (event) {
        var root = event.target;
        if (root === document.body) {
            return;
        }
        initWithin(root);
        focusErrorSummary(root);
    });
})();
