({
    // Announce the bridge so a softphone that is already waiting sends its requests again.
    onInit: function (component, event, helper) {
        helper.publish(component, { kind: "ready" });
    },

    // A message on PresenceSync__c: run it when it is a request from the softphone.
    onMessage: function (component, message, helper) {
        helper.handleMessage(component, message);
    },

    onLoginSuccess: function (component, event, helper) {
        helper.relay(component, "loginSuccess", event, ["statusId"]);
    },

    onStatusChanged: function (component, event, helper) {
        helper.relay(component, "statusChanged", event, ["statusId", "channels", "statusName", "statusApiName", "reason"]);
    },

    onLogout: function (component, event, helper) {
        helper.relay(component, "logout", event, []);
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
