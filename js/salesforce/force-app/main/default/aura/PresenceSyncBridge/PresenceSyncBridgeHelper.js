({
    // Message protocol spoken on PresenceSync__c (see js/src/salesforce-lightning.js).
    PROTOCOL: 1,
    SOURCE: "PresenceSyncBridge",

    // Publishes one message on the channel.
    publish: function (component, message) {
        if (!component.isValid()) {
            return;
        }
        message.protocol = this.PROTOCOL;
        message.source = this.SOURCE;
        var channel = component.find("presenceSyncChannel");
        try {
            channel.publish(message);
        } catch (e) {
            console.error("Presence Sync Bridge: could not publish on PresenceSync__c", e);
        }
    },

    // Relays an Omni-Channel event with the parameters Salesforce gave, untouched.
    relay: function (component, name, event, params) {
        var payload = {};
        for (var i = 0; i < params.length; i++) {
            var value = event.getParam(params[i]);
            if (value !== undefined && value !== null) {
                payload[params[i]] = value;
            }
        }
        this.publish(component, { kind: "event", event: name, payload: payload });
    },

    // Runs a request from the softphone and publishes its response.
    handleMessage: function (component, message) {
        if (!message || message.getParam("kind") !== "request") {
            return; // events and responses (our own included) are for the softphone
        }
        var self = this;
        var id = message.getParam("id");
        var command = message.getParam("command");
        var args = message.getParam("args") || {};
        var respond = $A.getCallback(function (ok, value) {
            var response = { kind: "response", id: id, ok: ok };
            if (ok) {
                response.result = value === undefined ? null : value;
            } else {
                response.error = self.describeError(value);
            }
            self.publish(component, response);
        });
        var running;
        try {
            running = self.execute(component, command, args);
        } catch (e) {
            running = Promise.reject(e);
        }
        running.then(
            function (result) { respond(true, result); },
            function (error) { respond(false, error); }
        );
    },

    // Maps a command to its Omni toolkit call (or the Apex catalog). Returns a Promise.
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
            case "listStatuses":
                return this.callApex(component, "c.getCatalog");
            case "ping":
                return Promise.resolve({ protocol: this.PROTOCOL });
            default:
                return Promise.reject({ type: "InvalidParameterException", message: "Unknown command " + command });
        }
    },

    // Calls an @AuraEnabled method of PresenceSyncController. A catalog carrying an error
    // (the query was refused) is a failure.
    callApex: function (component, method) {
        var self = this;
        return new Promise(function (resolve, reject) {
            var action = component.get(method);
            action.setCallback(self, function (response) {
                var state = response.getState();
                if (state === "SUCCESS") {
                    var value = response.getReturnValue();
                    if (value && value.error) {
                        reject(value.error);
                    } else {
                        resolve(value);
                    }
                } else if (state === "INCOMPLETE") {
                    reject({ type: "ConnectionException", message: "The server did not answer " + method + " (offline?)" });
                } else {
                    var errors = response.getError() || [];
                    var first = errors.length ? errors[0] : null;
                    reject({
                        type: first && first.exceptionType ? first.exceptionType : "ApexException",
                        message: first && first.message ? first.message : "Unknown error from " + method
                    });
                }
            });
            $A.enqueueAction(action);
        });
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
