({
    // The relay protocol, spoken with the framed page (js/src/salesforce-frame.js):
    //   page -> here  {protocol, source: "PresenceSyncSoftphone", token, kind: "hello"}
    //                 {..., kind: "request", id, command, args}
    //   here -> page  {protocol, source: "PresenceSyncBridge", token, kind: "ready"}
    //                 {..., kind: "response", id, ok, result | error: {type, message}}
    //                 {..., kind: "event", event, payload}
    // A message counts only when it comes from the Visualforce origin (exact match) with this
    // instance's token; every message goes to that origin only, never to "*".
    PROTOCOL: 1,
    SOURCE: "PresenceSyncBridge",
    PAGE_SOURCE: "PresenceSyncSoftphone",
    PAGE: "/apex/PresenceSyncSoftphone",

    // One relay per component instance, by global id: {token, vfOrigin, listener, connected}.
    relays: {},

    start: function (component) {
        var self = this;
        var relay = { token: self.newToken(), vfOrigin: null, listener: null, connected: false };
        self.relays[component.getGlobalId()] = relay;
        relay.listener = $A.getCallback(function (event) {
            self.receive(component, relay, event);
        });
        window.addEventListener("message", relay.listener);

        var action = component.get("c.getOrigins");
        action.setCallback(self, function (response) {
            if (!component.isValid()) {
                return;
            }
            if (response.getState() !== "SUCCESS") {
                var errors = response.getError() || [];
                self.fail(component, "Presence Sync could not read its Visualforce domain: " +
                    (errors.length && errors[0].message ? errors[0].message : response.getState()));
                return;
            }
            var origins = response.getReturnValue() || {};
            if (typeof origins.visualforce !== "string" || !/^https?:\/\/[^\/?#]+$/.test(origins.visualforce)) {
                self.fail(component, "Presence Sync got no usable Visualforce origin from PresenceSyncOrigins.");
                return;
            }
            relay.vfOrigin = origins.visualforce;
            component.set("v.frameUrl", origins.visualforce + self.PAGE + "?" + self.query(component) + "#relay=" + relay.token);
            component.set("v.framed", true);
        });
        $A.enqueueAction(action);
    },

    stop: function (component) {
        var relay = this.relays[component.getGlobalId()];
        if (relay && relay.listener) {
            window.removeEventListener("message", relay.listener);
        }
        delete this.relays[component.getGlobalId()];
    },

    fail: function (component, text) {
        console.error(text);
        component.set("v.problem", text);
        component.set("v.failed", true);
    },

    // The utility item's properties, passed to the page in its URL.
    query: function (component) {
        var parts = [];
        var settings = { ccpUrl: component.get("v.ccpUrl"), logLevel: component.get("v.logLevel"), timeoutMs: component.get("v.timeoutMs") };
        for (var key in settings) {
            if (Object.prototype.hasOwnProperty.call(settings, key) && settings[key] !== undefined && settings[key] !== null && settings[key] !== "") {
                parts.push(key + "=" + encodeURIComponent(String(settings[key])));
            }
        }
        return parts.join("&");
    },

    newToken: function () {
        var bytes = [];
        var crypto = window.crypto;
        if (crypto && typeof crypto.getRandomValues === "function") {
            var buffer = new Uint8Array(16);
            crypto.getRandomValues(buffer);
            for (var i = 0; i < buffer.length; i++) {
                bytes.push((buffer[i] + 256).toString(16).slice(1));
            }
            return bytes.join("");
        }
        return Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
    },

    // A message on this window: kept only from the framed page, with this relay's token.
    receive: function (component, relay, event) {
        if (!component.isValid() || !relay.vfOrigin || event.origin !== relay.vfOrigin) {
            return;
        }
        var message = event.data;
        if (!message || typeof message !== "object" || message.protocol !== this.PROTOCOL ||
                message.source !== this.PAGE_SOURCE || message.token !== relay.token) {
            return;
        }
        if (message.kind === "hello") {
            relay.connected = true;
            this.post(component, { kind: "ready" });
        } else if (message.kind === "request") {
            this.handleRequest(component, message);
        }
    },

    post: function (component, message) {
        var relay = this.relays[component.getGlobalId()];
        var frame = component.find("frame");
        var element = frame && frame.getElement();
        if (!relay || !relay.vfOrigin || !element || !element.contentWindow) {
            return;
        }
        message.protocol = this.PROTOCOL;
        message.source = this.SOURCE;
        message.token = relay.token;
        element.contentWindow.postMessage(message, relay.vfOrigin);
    },

    // Relays an Omni-Channel event with the parameters Salesforce gave, untouched, once the
    // page has said hello (it reads the current status after that).
    relay: function (component, name, event, params) {
        var relay = this.relays[component.getGlobalId()];
        if (!relay || !relay.connected) {
            return;
        }
        var payload = {};
        for (var i = 0; i < params.length; i++) {
            var value = event.getParam(params[i]);
            if (value !== undefined && value !== null) {
                payload[params[i]] = value;
            }
        }
        this.post(component, { kind: "event", event: name, payload: payload });
    },

    // Runs a command from the page on the Omni toolkit and answers with its result or error.
    handleRequest: function (component, message) {
        var self = this;
        var id = message.id;
        var respond = $A.getCallback(function (ok, value) {
            if (!component.isValid()) {
                return;
            }
            var response = { kind: "response", id: id, ok: ok };
            if (ok) {
                response.result = value === undefined ? null : value;
            } else {
                response.error = self.describeError(value);
            }
            self.post(component, response);
        });
        var running;
        try {
            running = self.execute(component, message.command, message.args || {});
        } catch (e) {
            running = Promise.reject(e);
        }
        running.then(
            function (result) { respond(true, result); },
            function (error) { respond(false, error); }
        );
    },

    // A command and its Omni toolkit call. Returns a Promise.
    execute: function (component, command, args) {
        var omni = component.find("omniToolkit");
        switch (command) {
            case "setServicePresenceStatus":
                if (typeof args.statusId !== "string" || args.statusId === "") {
                    return Promise.reject({ type: "InvalidParameterException", message: "setServicePresenceStatus needs a statusId" });
                }
                return omni.setServicePresenceStatus({ statusId: args.statusId });
            case "logout":
                return omni.logout();
            case "getServicePresenceStatusId":
                return omni.getServicePresenceStatusId();
            case "getAgentWorkload":
                return omni.getAgentWorkload();
            default:
                return Promise.reject({ type: "InvalidParameterException", message: "Unknown command " + command });
        }
    },

    // Whatever a toolkit promise rejected with, as {type, message}.
    describeError: function (error) {
        if (error === null || error === undefined) {
            return { type: "OmniToolkitError", message: "The Omni toolkit failed without details" };
        }
        if (typeof error === "string") {
            return { type: "OmniToolkitError", message: error };
        }
        var type = error.type || error.errorCode || error.exceptionType || (error.name && error.name !== "Error" ? error.name : "OmniToolkitError");
        var message = error.message;
        if (!message) {
            try {
                message = JSON.stringify(error);
            } catch (e) {
                message = String(error);
            }
        }
        return { type: String(type), message: String(message) };
    }
})
