import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("idle_user_logout_settings_tour", {
    steps: () => [
        {
            trigger: "h2:contains(Auto Logout) + .o_settings_container #idle_logout_setting",
        },
        {
            trigger: "#idle_logout_setting input[type=checkbox]",
            run: "click",
        },
        {
            trigger: "#idle_logout_setting .o_field_integer input",
            run: "edit 0 && click body",
        },
        {
            content: "the browser raises the value to the minimum at once",
            trigger: "#idle_logout_setting .o_field_integer input:value(1)",
        },
        {
            trigger: "#idle_logout_setting:contains(Minimum 1 minute)",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "after saving and reloading, the block shows what was stored",
            trigger: "#idle_logout_setting input[type=checkbox]:checked",
        },
        {
            trigger: "#idle_logout_setting .o_field_integer input:value(1)",
        },
    ],
});
