/*
 * The shop's brand on the chat: colour (with a text colour that stays readable on it),
 * light or dark theme, the side of the screen, and the language the chat speaks. Loaded by
 * the page and by the widget before the chat itself, so the launcher wears the brand (and
 * speaks the shop's language) from the start.
 * Defines window.SupportChat.brand = {apply, readableOn, contrast, parseColor} and SupportChat.i18n.
 */
(function () {
  "use strict";

  var DEFAULT_COLOR = "#1f6feb";
  var DARK_TEXT = [17, 24, 39];
  var LIGHT_TEXT = [255, 255, 255];
  var MIN_CONTRAST = 4.5; // WCAG AA for normal text
  // chat.css's --sc-bg and --sc-soft, light and dark: rings and borders reach 3:1 on both.
  var PANELS = [[[255, 255, 255], [243, 245, 248]], [[26, 29, 35], [17, 19, 24]]];

  /** [r, g, b] of any CSS colour, or null when the browser does not understand it. */
  function parseColor(value) {
    if (!value || !window.CSS || !CSS.supports("color", value)) return null;
    var probe = document.createElement("span");
    probe.style.color = value;
    document.documentElement.appendChild(probe);
    var rgb = getComputedStyle(probe).color.match(/[\d.]+/g);
    probe.remove();
    return rgb ? rgb.slice(0, 3).map(Number) : null;
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function css(rgb) {
    return "rgb(" + rgb.map(Math.round).join(", ") + ")";
  }

  function mix(rgb, toward, amount) {
    return rgb.map(function (v, i) { return v + (toward[i] - v) * amount; });
  }

  /** The brand darkened (on a light panel) or lightened until it reaches 3:1. */
  function ringOn(rgb, panel, toward) {
    for (var step = 0; Math.min(contrast(rgb, panel[0]), contrast(rgb, panel[1])) < 3 && step < 40; step++) {
      rgb = mix(rgb, toward, 0.1).map(Math.round);
    }
    return css(rgb);
  }

  /**
   * The brand colour to paint with and the text colour for it: white or near-black, whichever
   * reads better; a mid-tone that neither can read on is darkened until white reaches 4.5:1.
   * ring, ringDark: for focus rings and borders on a light and a dark panel.
   */
  function readableOn(color) {
    var accent = parseColor(color) || parseColor(DEFAULT_COLOR);
    var dark = contrast(accent, DARK_TEXT);
    var light = contrast(accent, LIGHT_TEXT);
    var text = dark > light ? DARK_TEXT : LIGHT_TEXT;
    for (var step = 0; Math.max(dark, light) < MIN_CONTRAST && step < 20; step++) {
      accent = mix(accent, [0, 0, 0], 0.08);
      light = contrast(accent, LIGHT_TEXT);
      text = LIGHT_TEXT;
    }
    return {
      accent: css(accent), text: css(text), hover: css(mix(accent, text === LIGHT_TEXT ? [0, 0, 0] : [255, 255, 255], 0.14)),
      ring: ringOn(accent, PANELS[0], [0, 0, 0]), ringDark: ringOn(accent, PANELS[1], [255, 255, 255]),
    };
  }

  /** Paint `scope` (the page's <html> or the widget's host): colours, theme and side. */
  function apply(scope, cfg) {
    var colors = readableOn(cfg.color);
    scope.style.setProperty("--sc-accent", colors.accent);
    scope.style.setProperty("--sc-on-accent", colors.text);
    scope.style.setProperty("--sc-accent-hover", colors.hover);
    scope.style.setProperty("--sc-ring-light", colors.ring); // chat.css picks by the theme
    scope.style.setProperty("--sc-ring-dark", colors.ringDark);
    var theme = cfg.theme === "dark" || cfg.theme === "light" ? cfg.theme : "auto";
    scope.classList.remove("sc-light", "sc-dark");
    if (theme !== "auto") scope.classList.add("sc-" + theme);
    scope.classList.toggle("sc-left", cfg.position === "left");
  }

  var LANGUAGES = ["en", "de", "fr", "es", "it", "nl"]; // those the answers come in too

  /** The chat's language: the shop's choice (data-lang, config lang), else the page's
   * <html lang>, else the browser's; English for any other. */
  function language(chosen, pageLang) {
    var tag = String(chosen || pageLang || navigator.language || "").toLowerCase().split(/[-_]/)[0];
    return LANGUAGES.indexOf(tag) > 0 ? tag : "en";
  }

  /**
   * t(text, values): the English `text` in `lang`, from the translations web/i18n/<lang>.js
   * adds (English when they are not loaded), with {name} filled from `values`.
   * t.lang: the language it speaks; t.locale: for dates (the browser's own variant of it).
   */
  function translator(lang) {
    var table = (SupportChat.translations || {})[lang];
    var t = function (text, values) {
      return String((table && table[text]) || text).replace(/\{(\w+)\}/g, function (all, name) {
        return values && name in values ? String(values[name]) : all;
      });
    };
    t.lang = table ? lang : "en";
    t.locale = String(navigator.language).split("-")[0] === t.lang ? navigator.language : t.lang;
    return t;
  }

  var SupportChat = (window.SupportChat = window.SupportChat || {});
  SupportChat.i18n = { language: language, translator: translator };
  SupportChat.brand = { apply: apply, readableOn: readableOn, contrast: contrast, parseColor: parseColor };
})();
