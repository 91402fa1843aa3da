({
    // Reads the two origins (Apex), listens for the framed page, then shows the frame.
    onInit: function (component, event, helper) {
        helper.start(component);
    },

    // The utility item goes away: stop listening.
    onDestroy: function (component, event, helper) {
        helper.stop(component);
    },

    onLoginSuccess: function (component, event, helper) {
        helper.relay(component, "loginSuccess", event, ["statusId"]);
    },

    onStatusChanged: function (component, event, helper) {
        helper.relay(component, "statusChanged", event, ["statusId", "channels", "statusName", "statusApiName", "reason"]);
    },

    onLogout: function (component, event, helper) {
        helper.relay(component, "logout", event, ["reason"]);
    },

    onWorkAccepted: function (component, event, helper) {
        helper.relay(component, "workAccepted", event, ["workItemId", "workId"]);
    },

    onWorkloadChanged: function (component, event, helper) {
        helper.relay(component, "workloadChanged", event, [
            "configuredCapacity", "previousWorkload", "newWorkload",
            "configuredInterruptibleCapacity", "previousInterruptibleWorkload", "newInterruptibleWorkload"
        ]);
    }
})
