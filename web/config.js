// Where the chat page and the widget find the functions. Relative URLs suit `make dev`
// (one server for everything); a deploy rewrites this file with the functions' full URLs,
// and with the brand keys below taken from web/brand.json when the shop keeps one there.
// The widget's data-* attributes override these (data-chat-stream-url, data-color, ...).
//
// Brand (all optional): title, agentName, avatar (image URL), greeting, subtitle,
// color (any CSS colour; the text on it is chosen for contrast), theme ("light" | "dark";
// default: the visitor's setting), position ("left" | "right", the widget's side),
// mode ("knowledge" says from the start that answers come from the shop's knowledge base;
// otherwise the server says so through /history/suggestions), lang (the chat's own texts: en,
// de, fr, es, it or nl; default: the widget's host page's <html lang>, else the browser's).
window.SUPPORT_CHAT_CONFIG = {
  chatStreamUrl: "/chat_stream",
  historyUrl: "/history",
};
