// The ownership tree editor over the JSON text area of web/partials/ownership_editor.html.
//
// The text area stays the form's field: every change here writes the contract's JSON (vatspilot/profile/v1
// "shareholders") back into it, and the server reads and judges it as it always did. Percentages are kept
// as the text typed (never through a binary float), so 33.33 reaches the server as 33.33; the totals per
// level are added up in exact decimal arithmetic. All words come from the partial's data-text-* attributes.
// A file rather than inline script: the pages' CSP allows only scripts from the site.
(function () {
  "use strict";

  var NUMBER = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;
  var JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
  var serial = 0;

  // --- Exact decimals: a number's text as a BigInt of hundredths-or-finer, with its scale. ------------

  function toScaled(text) {
    var match = NUMBER.exec(text);
    if (!match) { return null; }
    var parts = text.split(".");
    var fraction = parts[1] || "";
    return { units: BigInt(parts[0] + fraction), scale: fraction.length };
  }

  function rescale(value, scale) {
    return value.units * (10n ** BigInt(scale - value.scale));
  }

  function scaledText(units, scale) {
    var negative = units < 0n;
    var digits = (negative ? -units : units).toString();
    if (scale > 0) {
      digits = digits.padStart(scale + 1, "0");
      digits = digits.slice(0, digits.length - scale) + "." + digits.slice(digits.length - scale);
      digits = digits.replace(/\.?0+$/, "");
    }
    return (negative ? "-" : "") + digits;
  }

  // The percentages' sum and its distance from 100, or null when one of them is not a number.
  function total(texts) {
    var values = [];
    for (var i = 0; i < texts.length; i++) {
      var value = toScaled(texts[i]);
      if (value === null) { return null; }
      values.push(value);
    }
    var scale = values.reduce(function (s, v) { return Math.max(s, v.scale); }, 2);
    var sum = values.reduce(function (s, v) { return s + rescale(v, scale); }, 0n);
    var hundred = 100n * (10n ** BigInt(scale));
    var tolerance = 10n ** BigInt(scale - 2); // 0.01, as the engine allows
    var diff = sum - hundred;
    return {
      sum: scaledText(sum, scale),
      diff: scaledText(diff < 0n ? -diff : diff, scale),
      state: diff > tolerance ? "over" : diff < -tolerance ? "short" : "ok"
    };
  }

  function normalisePercent(text) {
    // What people type: "33,33", "40 %", full-width digits.
    return text.trim()
      .replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48); })
      .replace(/[%\uFF05\s]/g, "")
      .replace(/[,\uFF0C\u3002\uFF0E]/g, ".");
  }

  function validPercent(text) {
    var value = toScaled(text);
    return value !== null && value.units > 0n && value.units <= 100n * (10n ** BigInt(value.scale));
  }

  // --- Reading and writing the JSON, numbers as their text. ---------------------------------------------

  function parse(text) {
    // JSON.parse's reviver sees each number's source text (Chromium 114+); without it, the shortest text.
    return JSON.parse(text, function (key, value, context) {
      if (typeof value === "number") {
        return { __number: context && context.source ? context.source : String(value) };
      }
      return value;
    });
  }

  function isNumberBox(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 &&
      typeof value.__number === "string";
  }

  function write(value, indent) {
    var pad = "  ".repeat(indent);
    var inner = "  ".repeat(indent + 1);
    if (isNumberBox(value)) { return value.__number; }
    if (Array.isArray(value)) {
      if (!value.length) { return "[]"; }
      return "[\n" + value.map(function (v) { return inner + write(v, indent + 1); }).join(",\n") + "\n" + pad + "]";
    }
    if (value !== null && typeof value === "object") {
      var keys = Object.keys(value);
      if (!keys.length) { return "{}"; }
      return "{\n" + keys.map(function (k) {
        return inner + JSON.stringify(k) + ": " + write(value[k], indent + 1);
      }).join(",\n") + "\n" + pad + "}";
    }
    return JSON.stringify(value);
  }

  // A holder's percent as the JSON it becomes: a number when it reads as one, otherwise the text itself
  // (a string), so that the server names the field rather than the editor silently dropping it.
  function percentValue(text) {
    var normal = normalisePercent(text);
    if (JSON_NUMBER.test(normal)) { return { __number: normal }; }
    return normal === "" ? null : text;
  }

  function percentText(value) {
    if (isNumberBox(value)) { return value.__number; }
    if (value === null || value === undefined) { return ""; }
    return String(value);
  }

  // --- The editor. --------------------------------------------------------------------------------------

  function Editor(root) {
    this.root = root;
    this.text = function (name, values) {
      var template = root.getAttribute("data-text-" + name) || name;
      return template.replace(/\{(\w+)\}/g, function (all, key) {
        return values && values[key] !== undefined ? values[key] : all;
      });
    };
    this.area = root.querySelector("textarea");
    this.jsonBox = root.querySelector("[data-ownership-json]");
    this.tree = root.querySelector("[data-ownership-tree]");
    this.datalist = root.querySelector("datalist");
    this.id = this.area.id || "ownership" + (++serial);
    this.holders = null;
  }

  Editor.prototype.start = function () {
    var self = this;
    var raw = this.area.value.trim();
    try {
      var data = raw === "" ? [] : parse(raw);
      if (!Array.isArray(data)) { throw new Error("not a list"); }
      this.holders = data;
    } catch (error) {
      this.showUnreadable();
      return;
    }
    this.toggle = document.createElement("button");
    this.toggle.type = "button";
    this.toggle.className = "button button--secondary button--small ownership-editor__toggle";
    this.toggle.setAttribute("aria-controls", this.jsonBox.id || (this.jsonBox.id = this.id + "_json_box"));
    this.toggle.addEventListener("click", function () { self.setJsonShown(self.jsonBox.hidden); });
    this.jsonBox.parentNode.insertBefore(this.toggle, this.jsonBox);
    // Typing in the JSON rebuilds the tree (for those who paste a structure).
    this.area.addEventListener("change", function () {
      try {
        var data = parse(self.area.value.trim() || "[]");
        if (Array.isArray(data)) { self.holders = data; self.render(); }
      } catch (error) { /* left as typed: the server names the problem */ }
    });
    this.setJsonShown(false);
    this.tree.hidden = false;
    this.render();
    // A link to the field (an error summary's "#id_ownership") leads to the editor while the text area is hidden.
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || link.getAttribute("href") !== "#" + self.area.id || !self.jsonBox.hidden) { return; }
      var first = self.tree.querySelector("input, button");
      if (!first) { return; }
      event.preventDefault();
      first.scrollIntoView({ block: "center" });
      first.focus();
    });
  };

  Editor.prototype.showUnreadable = function () {
    var note = document.createElement("p");
    note.className = "alert alert--warning";
    note.setAttribute("role", "note");
    note.textContent = this.text("unreadable");
    this.jsonBox.insertBefore(note, this.jsonBox.firstChild);
  };

  Editor.prototype.setJsonShown = function (shown) {
    this.jsonBox.hidden = !shown;
    this.toggle.textContent = this.text(shown ? "hide-json" : "show-json");
    this.toggle.setAttribute("aria-expanded", shown ? "true" : "false");
  };

  Editor.prototype.sync = function () {
    this.area.value = write(prune(this.holders), 0);
  };

  Editor.prototype.render = function (focusPath) {
    this.tree.textContent = "";
    this.tree.appendChild(this.level(this.holders, [], null));
    this.sync();
    if (focusPath) {
      var target = this.tree.querySelector('[data-focus="' + focusPath + '"]');
      if (target) { target.focus(); }
    }
  };

  Editor.prototype.level = function (holders, path, parent) {
    var self = this;
    var key = path.join("-") || "top";
    var addButton = function () {
      var add = document.createElement("button");
      add.type = "button";
      add.className = "button button--secondary button--small";
      add.setAttribute("data-focus", "add-" + key);
      add.textContent = parent ? self.text("add-own", { name: self.holderName(parent) }) : self.text("add");
      add.addEventListener("click", function () {
        holders.push({ name: "", jurisdiction: "", percent: null });
        self.render("name-" + path.concat(holders.length - 1).join("-"));
      });
      return add;
    };
    if (parent && !holders.length) {
      // A Chinese holder without holders of its own (wholly domestic): only the way to add them.
      var start = document.createElement("div");
      start.className = "ownership-level__start";
      start.appendChild(addButton());
      return start;
    }
    var fieldset = document.createElement("fieldset");
    fieldset.className = "ownership-level" + (parent ? " ownership-level--nested" : "");
    var legend = document.createElement("legend");
    legend.textContent = parent ? this.text("level-own", { name: this.holderName(parent) }) : this.text("level-top");
    fieldset.appendChild(legend);
    if (parent) {
      var note = document.createElement("p");
      note.className = "hint";
      note.textContent = this.text("look-through");
      fieldset.appendChild(note);
    }

    var list = document.createElement("ol");
    list.className = "ownership-level__holders";
    holders.forEach(function (holder, index) {
      list.appendChild(self.holderItem(holders, holder, path.concat(index)));
    });
    if (!holders.length) {
      var empty = document.createElement("p");
      empty.className = "hint";
      empty.textContent = this.text("empty");
      fieldset.appendChild(empty);
    }
    fieldset.appendChild(list);

    var status = document.createElement("p");
    status.className = "ownership-level__total";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("data-total", key);
    fieldset.appendChild(status);
    this.updateTotal(status, holders);

    fieldset.appendChild(addButton());
    return fieldset;
  };

  Editor.prototype.updateTotal = function (status, holders) {
    if (!holders.length) { status.textContent = ""; status.className = "ownership-level__total"; return; }
    var result = total(holders.map(function (h) { return normalisePercent(percentText(h.percent)); }));
    if (result === null) {
      status.textContent = this.text("bad-percent");
      status.className = "ownership-level__total ownership-level__total--bad";
      return;
    }
    var verdict = result.state === "ok" ? this.text("total-ok", { hundred: "100%" })
      : this.text(result.state === "short" ? "total-short" : "total-over", { diff: result.diff + "%" });
    status.textContent = this.text("total", { total: result.sum + "%" }) + " · " + verdict;
    status.className = "ownership-level__total ownership-level__total--" + (result.state === "ok" ? "ok" : "bad");
  };

  Editor.prototype.holderName = function (holder) {
    return (holder.name || "").trim() || this.text("unnamed");
  };

  Editor.prototype.input = function (labelText, id, value, attrs) {
    var wrap = document.createElement("div");
    wrap.className = "ownership-holder__field";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = labelText;
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;
    input.value = value;
    Object.keys(attrs || {}).forEach(function (name) { input.setAttribute(name, attrs[name]); });
    wrap.appendChild(label);
    wrap.appendChild(input);
    return { wrap: wrap, input: input };
  };

  Editor.prototype.holderItem = function (holders, holder, path) {
    var self = this;
    var key = path.join("-");
    var base = this.id + "_h" + key;
    var item = document.createElement("li");
    item.className = "ownership-holder";
    // The group inside the list item (a list item itself must keep its role): "Shareholder 2.1".
    var group = document.createElement("div");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", this.text("holder", { n: path.map(function (i) { return i + 1; }).join(".") }));
    item.appendChild(group);

    var row = document.createElement("div");
    row.className = "ownership-holder__row";
    var name = this.input(this.text("name"), base + "_name", holder.name || "", {
      "data-focus": "name-" + key, autocomplete: "off", maxlength: "300"
    });
    var jurisdiction = this.input(this.text("jurisdiction"), base + "_jurisdiction", holder.jurisdiction || "", {
      list: this.datalist ? this.datalist.id : "", maxlength: "2", autocomplete: "off", autocapitalize: "characters",
      "class": "ownership-holder__code", "aria-describedby": base + "_jurisdiction_hint"
    });
    var hint = document.createElement("p");
    hint.className = "hint";
    hint.id = base + "_jurisdiction_hint";
    hint.textContent = this.text("jurisdiction-hint");
    jurisdiction.wrap.appendChild(hint);
    var percent = this.input(this.text("percent"), base + "_percent", percentText(holder.percent), {
      inputmode: "decimal", autocomplete: "off", "class": "ownership-holder__percent",
      "aria-describedby": base + "_percent_error"
    });
    var percentError = document.createElement("p");
    percentError.className = "error";
    percentError.id = base + "_percent_error";
    percent.wrap.appendChild(percentError);

    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button--secondary button--small ownership-holder__remove";
    remove.textContent = this.text("remove", { name: this.holderName(holder) });

    row.appendChild(name.wrap);
    row.appendChild(jurisdiction.wrap);
    row.appendChild(percent.wrap);
    row.appendChild(remove);
    group.appendChild(row);

    var isChinese = function () { return (holder.jurisdiction || "") === "CN"; };
    var nestedBox = document.createElement("div");
    nestedBox.className = "ownership-holder__nested";

    var refreshNested = function () {
      nestedBox.textContent = "";
      if (!isChinese() && !(holder.shareholders && holder.shareholders.length)) { return; }
      if (isChinese()) {
        var checkWrap = document.createElement("div");
        checkWrap.className = "field--checkbox";
        var check = document.createElement("input");
        check.type = "checkbox";
        check.id = base + "_foreign_invested";
        check.checked = holder.foreign_invested === true;
        var checkLabel = document.createElement("label");
        checkLabel.htmlFor = check.id;
        checkLabel.textContent = self.text("foreign-invested");
        check.addEventListener("change", function () {
          if (check.checked) { holder.foreign_invested = true; } else { delete holder.foreign_invested; }
          self.sync();
        });
        checkWrap.appendChild(check);
        checkWrap.appendChild(document.createTextNode(" "));
        checkWrap.appendChild(checkLabel);
        nestedBox.appendChild(checkWrap);
      }
      if (!holder.shareholders) { holder.shareholders = []; }
      nestedBox.appendChild(self.level(holder.shareholders, path, holder));
    };
    refreshNested();
    group.appendChild(nestedBox);

    var levelStatus = function () {
      var fieldset = item.parentNode && item.parentNode.parentNode;
      return fieldset ? fieldset.querySelector(":scope > .ownership-level__total") : null;
    };

    name.input.addEventListener("input", function () {
      holder.name = name.input.value;
      remove.textContent = self.text("remove", { name: self.holderName(holder) });
      var legend = nestedBox.querySelector(":scope > fieldset > legend");
      if (legend) { legend.textContent = self.text("level-own", { name: self.holderName(holder) }); }
      var addOwn = nestedBox.querySelector(":scope > fieldset > button, :scope > .ownership-level__start > button");
      if (addOwn) { addOwn.textContent = self.text("add-own", { name: self.holderName(holder) }); }
      self.sync();
    });
    jurisdiction.input.addEventListener("input", function () {
      var code = jurisdiction.input.value.toUpperCase().replace(/[^A-Z]/g, "");
      if (code !== jurisdiction.input.value) { jurisdiction.input.value = code; }
      var wasChinese = isChinese();
      holder.jurisdiction = code;
      if (wasChinese !== isChinese()) {
        if (!isChinese()) { delete holder.foreign_invested; }
        refreshNested();
      }
      var valid = /^[A-Z]{2}$/.test(code);
      jurisdiction.input.setAttribute("aria-invalid", code && !valid ? "true" : "false");
      self.sync();
    });
    percent.input.addEventListener("input", function () {
      holder.percent = percentValue(percent.input.value);
      var normal = normalisePercent(percent.input.value);
      var bad = normal !== "" && !validPercent(normal);
      percentError.textContent = bad ? self.text("bad-percent") : "";
      percent.input.setAttribute("aria-invalid", bad ? "true" : "false");
      var status = levelStatus();
      if (status) { self.updateTotal(status, holders); }
      self.sync();
    });
    remove.addEventListener("click", function () {
      holders.splice(path[path.length - 1], 1);
      self.render("add-" + (path.slice(0, -1).join("-") || "top"));
    });
    return item;
  };

  // The empty shareholder lists the editor keeps for Chinese holders are not written: the contract wants
  // at least one holder in a list, and a CN holder without one counts as wholly domestic.
  function prune(value) {
    if (Array.isArray(value)) { return value.map(prune); }
    if (value !== null && typeof value === "object" && !isNumberBox(value)) {
      var out = {};
      Object.keys(value).forEach(function (k) {
        if (k === "shareholders" && Array.isArray(value[k]) && !value[k].length) { return; }
        out[k] = prune(value[k]);
      });
      return out;
    }
    return value;
  }

  function startAll() {
    document.querySelectorAll("[data-ownership-editor]").forEach(function (root) {
      if (root.getAttribute("data-ownership-ready")) { return; }
      root.setAttribute("data-ownership-ready", "true");
      new Editor(root).start();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
  // Content swapped in by htmx gets its editor too.
  document.addEventListener("htmx:load", startAll);
})();
