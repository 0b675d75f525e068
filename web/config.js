// Where the chat page and the widget find the functions. Relative URLs suit `make dev`
// (one server for everything); a deploy rewrites this file with the functions' full URLs.
// The widget's data-chat-stream-url / data-history-url attributes override these.
// mode: "knowledge" says up front that answers come from the shop's knowledge base.
window.SUPPORT_CHAT_CONFIG = {
  chatStreamUrl: "/chat_stream",
  historyUrl: "/history",
};
