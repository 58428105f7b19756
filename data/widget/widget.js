/* Frontdesk web widget: Web Chat and Callback (docs/widget.md).
 *
 * One <script src="https://SERVER/widget.js" data-stream="KEY" async> per
 * media stream. Everything lives in a shadow root styled by a stylesheet from
 * the server's origin, so the host page's CSS and this widget's never mix and
 * a strict Content-Security-Policy needs only the server's origin. Text from
 * visitors, agents and the server is always set with textContent. */
(function () {
  'use strict';

  var VERSION = '@FD_VERSION@';
  var API = '/api/visitor/v1';
  var INACTIVE = 'This channel is no longer active.';
  var MAX_URL = 2048;
  var REG_KEY = typeof Symbol === 'function' ? Symbol.for('frontdesk.widgets') : '__frontdeskWidgets';
  var reg = window[REG_KEY] || (window[REG_KEY] = { seen: new WeakSet(), list: [] });

  /* --- Customer-facing text (docs/widget.md, "Languages") ---------------
   * Every sentence the customer reads goes through t(): the English text is
   * the key, a language's table its translation, {name} a placeholder filled
   * with plain text. A missing entry or language reads in English. */
  var LANGS = {
    de: {
      'This channel is no longer active.': 'Dieser Kanal ist nicht mehr aktiv.',
      'This channel is not available on this website.': 'Dieser Kanal ist auf dieser Website nicht verf\u00fcgbar.',
      'Minimize': 'Minimieren',
      'Call me back': 'Rufen Sie mich zur\u00fcck',
      'Chat with us': 'Chatten Sie mit uns',
      'Request a callback': 'R\u00fcckruf anfordern',
      'Loading\u2026': 'Wird geladen\u2026',
      'Department': 'Abteilung',
      'Name': 'Name',
      'Email': 'E-Mail',
      'Phone (optional)': 'Telefon (optional)',
      'Start a chat': 'Chat beginnen',
      'Start chat': 'Chat beginnen',
      'Please enter your name.': 'Bitte geben Sie Ihren Namen ein.',
      'Please enter a valid email address.': 'Bitte geben Sie eine g\u00fcltige E-Mail-Adresse ein.',
      'The chat could not start. Please try again.': 'Der Chat konnte nicht beginnen. Bitte versuchen Sie es erneut.',
      'Sorry, no agent could take your chat.': 'Leider konnte niemand Ihren Chat annehmen.',
      'No agent is available right now.': 'Gerade ist niemand erreichbar.',
      'We can call you back instead.': 'Wir k\u00f6nnen Sie stattdessen zur\u00fcckrufen.',
      'Please try again later.': 'Bitte versuchen Sie es sp\u00e4ter noch einmal.',
      'Ask us to call you back': 'Um einen R\u00fcckruf bitten',
      'Try the chat again': 'Chat erneut versuchen',
      'Conversation': 'Unterhaltung',
      'Message': 'Nachricht',
      'Type your message': 'Ihre Nachricht',
      'Send': 'Senden',
      'End chat': 'Chat beenden',
      'Connecting\u2026': 'Verbindung wird aufgebaut\u2026',
      'Reconnecting\u2026': 'Verbindung wird wiederhergestellt\u2026',
      'Connection lost. Reconnecting\u2026': 'Verbindung unterbrochen. Sie wird wiederhergestellt\u2026',
      'Waiting for an agent\u2026': 'Einen Moment, gleich ist jemand f\u00fcr Sie da\u2026',
      'You are chatting with {name}.': 'Sie chatten mit {name}.',
      '{name} joined the chat': '{name} ist dem Chat beigetreten',
      '{from} transferred you to {to}': '{from} hat Sie an {to} weitergeleitet',
      '{name} is typing\u2026': '{name} schreibt\u2026',
      'Agent is typing\u2026': 'Jemand schreibt\u2026',
      'Agent': 'Team',
      'You': 'Sie',
      'Attachments': 'Anh\u00e4nge',
      'Sending shortly\u2026': 'Wird gleich gesendet\u2026',
      'Something went wrong.': 'Etwas ist schiefgegangen.',
      'This chat has ended.': 'Dieser Chat ist beendet.',
      'The chat has ended.': 'Der Chat ist beendet.',
      'The chat has ended. How did we do?': 'Der Chat ist beendet. Wie waren wir?',
      '{name} ended the chat. How did we do?': '{name} hat den Chat beendet. Wie waren wir?',
      '1 star': '1 Stern',
      '{n} stars': '{n} Sterne',
      'Rate this chat': 'Chat bewerten',
      'Your rating': 'Ihre Bewertung',
      'Comment (optional)': 'Kommentar (optional)',
      'Send rating': 'Bewertung senden',
      'Skip': '\u00dcberspringen',
      'Please choose from 1 to 5 stars.': 'Bitte w\u00e4hlen Sie 1 bis 5 Sterne.',
      'The rating was not saved.': 'Die Bewertung wurde nicht gespeichert.',
      'The rating could not be sent. Please try again.': 'Die Bewertung konnte nicht gesendet werden. Bitte versuchen Sie es erneut.',
      'Thank you for your feedback.': 'Vielen Dank f\u00fcr Ihre R\u00fcckmeldung.',
      'Thank you for chatting with us.': 'Vielen Dank f\u00fcr Ihren Besuch im Chat.',
      'Start a new chat': 'Neuen Chat beginnen',
      'Phone number': 'Telefonnummer',
      'With the country code, e.g. +44 for the UK or +1 for the US.': 'Mit L\u00e4ndervorwahl, z.\u00a0B. +49 f\u00fcr Deutschland.',
      'Preferred time (optional)': 'Wunschzeit (optional)',
      'e.g. weekdays after 3 pm': 'z.\u00a0B. werktags nach 15 Uhr',
      'Please enter a phone number with its country code, e.g. +44 20 7946 0958.': 'Bitte geben Sie eine Telefonnummer mit L\u00e4ndervorwahl ein, z.\u00a0B. +49 30 901820.',
      'The request could not be sent. Please try again.': 'Die Anfrage konnte nicht gesendet werden. Bitte versuchen Sie es erneut.',
      'Thank you, {name}. We will call you at {number}.': 'Vielen Dank, {name}. Wir rufen Sie unter {number} an.'
    },
    es: {
      'This channel is no longer active.': 'Este canal ya no est\u00e1 activo.',
      'This channel is not available on this website.': 'Este canal no est\u00e1 disponible en este sitio web.',
      'Minimize': 'Minimizar',
      'Call me back': 'Ll\u00e1menme',
      'Chat with us': 'Chatee con nosotros',
      'Request a callback': 'Solicitar una llamada',
      'Loading\u2026': 'Cargando\u2026',
      'Department': 'Departamento',
      'Name': 'Nombre',
      'Email': 'Correo electr\u00f3nico',
      'Phone (optional)': 'Tel\u00e9fono (opcional)',
      'Start a chat': 'Iniciar un chat',
      'Start chat': 'Iniciar chat',
      'Please enter your name.': 'Introduzca su nombre.',
      'Please enter a valid email address.': 'Introduzca una direcci\u00f3n de correo electr\u00f3nico v\u00e1lida.',
      'The chat could not start. Please try again.': 'No se pudo iniciar el chat. Int\u00e9ntelo de nuevo.',
      'Sorry, no agent could take your chat.': 'Lo sentimos, ning\u00fan agente pudo atender su chat.',
      'No agent is available right now.': 'Ahora mismo no hay ning\u00fan agente disponible.',
      'We can call you back instead.': 'Podemos llamarle nosotros.',
      'Please try again later.': 'Int\u00e9ntelo de nuevo m\u00e1s tarde.',
      'Ask us to call you back': 'P\u00eddanos que le llamemos',
      'Try the chat again': 'Volver a intentar el chat',
      'Conversation': 'Conversaci\u00f3n',
      'Message': 'Mensaje',
      'Type your message': 'Escriba su mensaje',
      'Send': 'Enviar',
      'End chat': 'Terminar chat',
      'Connecting\u2026': 'Conectando\u2026',
      'Reconnecting\u2026': 'Reconectando\u2026',
      'Connection lost. Reconnecting\u2026': 'Se perdi\u00f3 la conexi\u00f3n. Reconectando\u2026',
      'Waiting for an agent\u2026': 'Esperando a un agente\u2026',
      'You are chatting with {name}.': 'Est\u00e1 chateando con {name}.',
      '{name} joined the chat': '{name} se ha unido al chat',
      '{from} transferred you to {to}': '{from} le ha transferido a {to}',
      '{name} is typing\u2026': '{name} est\u00e1 escribiendo\u2026',
      'Agent is typing\u2026': 'El agente est\u00e1 escribiendo\u2026',
      'Agent': 'Agente',
      'You': 'Usted',
      'Attachments': 'Adjuntos',
      'Sending shortly\u2026': 'Se enviar\u00e1 en breve\u2026',
      'Something went wrong.': 'Algo sali\u00f3 mal.',
      'This chat has ended.': 'Este chat ha terminado.',
      'The chat has ended.': 'El chat ha terminado.',
      'The chat has ended. How did we do?': 'El chat ha terminado. \u00bfQu\u00e9 tal lo hicimos?',
      '{name} ended the chat. How did we do?': '{name} ha terminado el chat. \u00bfQu\u00e9 tal lo hicimos?',
      '1 star': '1 estrella',
      '{n} stars': '{n} estrellas',
      'Rate this chat': 'Valore este chat',
      'Your rating': 'Su valoraci\u00f3n',
      'Comment (optional)': 'Comentario (opcional)',
      'Send rating': 'Enviar valoraci\u00f3n',
      'Skip': 'Omitir',
      'Please choose from 1 to 5 stars.': 'Elija de 1 a 5 estrellas.',
      'The rating was not saved.': 'No se guard\u00f3 la valoraci\u00f3n.',
      'The rating could not be sent. Please try again.': 'No se pudo enviar la valoraci\u00f3n. Int\u00e9ntelo de nuevo.',
      'Thank you for your feedback.': 'Gracias por su opini\u00f3n.',
      'Thank you for chatting with us.': 'Gracias por chatear con nosotros.',
      'Start a new chat': 'Iniciar un chat nuevo',
      'Phone number': 'N\u00famero de tel\u00e9fono',
      'With the country code, e.g. +44 for the UK or +1 for the US.': 'Con el prefijo del pa\u00eds, p.\u00a0ej., +34 para Espa\u00f1a.',
      'Preferred time (optional)': 'Hora preferida (opcional)',
      'e.g. weekdays after 3 pm': 'p.\u00a0ej., entre semana despu\u00e9s de las 15:00',
      'Please enter a phone number with its country code, e.g. +44 20 7946 0958.': 'Introduzca un n\u00famero de tel\u00e9fono con el prefijo del pa\u00eds, p.\u00a0ej., +34 912 345 678.',
      'The request could not be sent. Please try again.': 'No se pudo enviar la solicitud. Int\u00e9ntelo de nuevo.',
      'Thank you, {name}. We will call you at {number}.': 'Gracias, {name}. Le llamaremos al {number}.'
    },
    fr: {
      'This channel is no longer active.': 'Ce canal n\u2019est plus actif.',
      'This channel is not available on this website.': 'Ce canal n\u2019est pas disponible sur ce site.',
      'Minimize': 'R\u00e9duire',
      'Call me back': 'Rappelez-moi',
      'Chat with us': 'Discutez avec nous',
      'Request a callback': 'Demander un rappel',
      'Loading\u2026': 'Chargement\u2026',
      'Department': 'Service',
      'Name': 'Nom',
      'Email': 'Adresse \u00e9lectronique',
      'Phone (optional)': 'T\u00e9l\u00e9phone (facultatif)',
      'Start a chat': 'D\u00e9marrer une discussion',
      'Start chat': 'D\u00e9marrer la discussion',
      'Please enter your name.': 'Veuillez saisir votre nom.',
      'Please enter a valid email address.': 'Veuillez saisir une adresse \u00e9lectronique valide.',
      'The chat could not start. Please try again.': 'La discussion n\u2019a pas pu d\u00e9marrer. Veuillez r\u00e9essayer.',
      'Sorry, no agent could take your chat.': 'D\u00e9sol\u00e9s, aucun conseiller n\u2019a pu prendre votre discussion.',
      'No agent is available right now.': 'Aucun conseiller n\u2019est disponible pour le moment.',
      'We can call you back instead.': 'Nous pouvons plut\u00f4t vous rappeler.',
      'Please try again later.': 'Veuillez r\u00e9essayer plus tard.',
      'Ask us to call you back': 'Demandez-nous de vous rappeler',
      'Try the chat again': 'R\u00e9essayer la discussion',
      'Conversation': 'Conversation',
      'Message': 'Message',
      'Type your message': 'Saisissez votre message',
      'Send': 'Envoyer',
      'End chat': 'Terminer la discussion',
      'Connecting\u2026': 'Connexion\u2026',
      'Reconnecting\u2026': 'Reconnexion\u2026',
      'Connection lost. Reconnecting\u2026': 'Connexion perdue. Reconnexion\u2026',
      'Waiting for an agent\u2026': 'En attente d\u2019un conseiller\u2026',
      'You are chatting with {name}.': 'Vous discutez avec {name}.',
      '{name} joined the chat': '{name} a rejoint la discussion',
      '{from} transferred you to {to}': '{from} vous a transf\u00e9r\u00e9 \u00e0 {to}',
      '{name} is typing\u2026': '{name} \u00e9crit\u2026',
      'Agent is typing\u2026': 'Un conseiller \u00e9crit\u2026',
      'Agent': 'Conseiller',
      'You': 'Vous',
      'Attachments': 'Pi\u00e8ces jointes',
      'Sending shortly\u2026': 'Envoi imminent\u2026',
      'Something went wrong.': 'Un probl\u00e8me est survenu.',
      'This chat has ended.': 'Cette discussion est termin\u00e9e.',
      'The chat has ended.': 'La discussion est termin\u00e9e.',
      'The chat has ended. How did we do?': 'La discussion est termin\u00e9e. Comment nous en sommes-nous sortis\u00a0?',
      '{name} ended the chat. How did we do?': '{name} a mis fin \u00e0 la discussion. Comment nous en sommes-nous sortis\u00a0?',
      '1 star': '1 \u00e9toile',
      '{n} stars': '{n} \u00e9toiles',
      'Rate this chat': '\u00c9valuez cette discussion',
      'Your rating': 'Votre note',
      'Comment (optional)': 'Commentaire (facultatif)',
      'Send rating': 'Envoyer la note',
      'Skip': 'Passer',
      'Please choose from 1 to 5 stars.': 'Veuillez choisir de 1 \u00e0 5 \u00e9toiles.',
      'The rating was not saved.': 'La note n\u2019a pas \u00e9t\u00e9 enregistr\u00e9e.',
      'The rating could not be sent. Please try again.': 'La note n\u2019a pas pu \u00eatre envoy\u00e9e. Veuillez r\u00e9essayer.',
      'Thank you for your feedback.': 'Merci pour votre avis.',
      'Thank you for chatting with us.': 'Merci d\u2019avoir discut\u00e9 avec nous.',
      'Start a new chat': 'D\u00e9marrer une nouvelle discussion',
      'Phone number': 'Num\u00e9ro de t\u00e9l\u00e9phone',
      'With the country code, e.g. +44 for the UK or +1 for the US.': 'Avec l\u2019indicatif du pays, par ex. +33 pour la France.',
      'Preferred time (optional)': 'Horaire souhait\u00e9 (facultatif)',
      'e.g. weekdays after 3 pm': 'par ex. en semaine apr\u00e8s 15\u00a0h',
      'Please enter a phone number with its country code, e.g. +44 20 7946 0958.': 'Veuillez saisir un num\u00e9ro de t\u00e9l\u00e9phone avec l\u2019indicatif du pays, par ex. +33 1 23 45 67 89.',
      'The request could not be sent. Please try again.': 'La demande n\u2019a pas pu \u00eatre envoy\u00e9e. Veuillez r\u00e9essayer.',
      'Thank you, {name}. We will call you at {number}.': 'Merci, {name}. Nous vous appellerons au {number}.'
    }
  };

  /* The page's lang when it has one (the language the customer reads the
   * site in), else the browser's languages; English when none has a table. */
  function pickLanguage() {
    var page = document.documentElement.getAttribute('lang');
    var wanted = page ? [page] : navigator.languages || [navigator.language];
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || '').toLowerCase().split('-')[0];
      if (code === 'en') return null;
      if (Object.prototype.hasOwnProperty.call(LANGS, code)) return LANGS[code];
    }
    return null;
  }
  var LANG = null;

  function t(msg, args) {
    var text = LANG && Object.prototype.hasOwnProperty.call(LANG, msg) ? LANG[msg] : msg;
    return String(text).replace(/\{(\w+)\}/g, function (all, k) {
      return args && Object.prototype.hasOwnProperty.call(args, k) ? String(args[k]) : all;
    });
  }

  /* Customers meet agents by their first name, as the guide does. */
  function firstName(name) {
    return String(name || '').trim().split(/\s+/)[0];
  }

  /* --- Small DOM helpers ------------------------------------------------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var name;
    for (name in attrs || {}) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = value;
      else if (name.slice(0, 2) === 'on') node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  var URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

  /* Text with its http(s) URLs as links; anything else (javascript:, data:,
   * markup) stays text. */
  function linkify(text) {
    var frag = document.createDocumentFragment();
    var last = 0;
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]]+$/, '');
      var url = null;
      try { url = new URL(raw); } catch (e) { url = null; }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) continue;
      frag.appendChild(document.createTextNode(text.slice(last, match.index)));
      frag.appendChild(el('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer nofollow', text: raw }));
      last = match.index + raw.length;
      URL_RE.lastIndex = last;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function store(key) {
    var name = 'frontdesk:' + key;
    return {
      load: function () {
        try { return JSON.parse(window.localStorage.getItem(name)) || null; } catch (e) { return null; }
      },
      save: function (value) {
        try { window.localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* storage blocked: this page only */ }
      },
      clear: function () {
        try { window.localStorage.removeItem(name); } catch (e) { /* nothing kept */ }
      }
    };
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return 'w-' + window.crypto.randomUUID();
    return 'w-' + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  /* Loose on purpose: spaces, dots, dashes and brackets are fine, and an
   * international number starts with + or 00. */
  function normalizePhone(text) {
    var compact = text.replace(/[\s().\-\/]/g, '').replace(/^00/, '+');
    return /^\+?[0-9]{7,15}$/.test(compact) ? compact : null;
  }

  /* --- The widget --------------------------------------------------------- */

  function Widget(script, slot) {
    var self = this;
    this.key = script.getAttribute('data-stream') || '';
    this.origin = new URL(script.src, window.location.href).origin;
    this.kind = script.getAttribute('data-kind') === 'callback' ? 'callback' : 'webchat';
    this.info = { departments: [], agents_online: true };
    this.state = store(this.key);
    this.session = null;
    this.ws = null;
    this.retry = 0;
    this.seen = {};
    this.pendingNodes = {};
    this.lastId = 0;
    this.typingSent = false;
    this.ready = new Promise(function (resolve) { self.markReady = resolve; });

    this.host = el('div', { 'class': 'fd-slot-' + slot, 'data-frontdesk': this.kind });
    var root = this.host.attachShadow({ mode: 'open' });
    this.frame = el('div', { 'class': 'fd', hidden: true });
    var css = el('link', { rel: 'stylesheet', href: this.origin + '/widget/' + VERSION + '/widget.css' });
    css.addEventListener('load', function () { self.frame.hidden = false; });
    css.addEventListener('error', function () { self.frame.hidden = false; });
    root.appendChild(css);
    root.appendChild(this.frame);

    this.launcher = el('button', { type: 'button', 'class': 'launcher', 'aria-expanded': 'false', 'aria-controls': 'panel',
                                   onclick: function () { self.toggle(); } });
    this.title = el('h2', { id: 'title', 'class': 'title' });
    this.body = el('div', { 'class': 'body' });
    this.panel = el('section', { id: 'panel', 'class': 'panel', role: 'dialog', 'aria-labelledby': 'title', hidden: true,
                                 onkeydown: function (e) { if (e.key === 'Escape') self.toggle(false); } }, [
      el('header', { 'class': 'head' }, [
        this.title,
        el('button', { type: 'button', 'class': 'close', 'aria-label': t('Minimize'), text: '\u2212',
                       onclick: function () { self.toggle(false); } })
      ]),
      this.body
    ]);
    this.frame.appendChild(this.panel);
    this.frame.appendChild(this.launcher);
    this.setKind(this.kind);
    /* The launcher waits for the stream's kind: a callback stream must not
     * show "Chat with us" for a moment. */
    this.host.setAttribute('data-frontdesk', 'loading');
    this.launcher.hidden = true;
    document.body.appendChild(this.host);
    this.start();
  }

  Widget.prototype.setKind = function (kind) {
    this.kind = kind;
    this.host.setAttribute('data-frontdesk', kind);
    this.launcher.textContent = t(kind === 'callback' ? 'Call me back' : 'Chat with us');
    this.title.textContent = this.info.title || t(kind === 'callback' ? 'Request a callback' : 'Chat with us');
  };

  Widget.prototype.reveal = function () {
    this.host.setAttribute('data-frontdesk', this.kind);
    this.launcher.hidden = false;
    this.markReady();
  };

  Widget.prototype.guard = function (fn) {
    var self = this;
    return function () {
      try { return fn.apply(self, arguments); } catch (e) { self.inactive(); }
    };
  };

  /* @quiet: a chat reopened after a page navigation does not take the
   * focus from the page. */
  Widget.prototype.toggle = function (open, quiet) {
    var wasOpen = !this.panel.hidden;
    open = open === undefined ? !wasOpen : open;
    if (open) {
      reg.list.forEach(function (w) { if (w !== this && !w.panel.hidden) w.toggle(false, quiet); }, this);
    }
    this.panel.hidden = !open;
    this.launcher.setAttribute('aria-expanded', String(open));
    /* Open or minimized is part of the conversation: the next page shows
     * it as it was. */
    if (this.session && this.session.open !== open) { this.session.open = open; this.state.save(this.session); }
    if (quiet) return;
    if (open) this.focusFirst();
    else if (wasOpen) this.launcher.focus();
  };

  Widget.prototype.focusFirst = function () {
    var target = this.body.querySelector('[autofocus], input, select, textarea, button, [tabindex="-1"]');
    if (target) target.focus();
  };

  Widget.prototype.show = function (view) {
    this.view = view;
    this.body.replaceChildren.apply(this.body, Array.prototype.slice.call(arguments, 1).filter(Boolean));
    this.body.setAttribute('data-view', view);
    if (!this.panel.hidden) this.focusFirst();
  };

  Widget.prototype.inactive = function (text) {
    this.closeSocket();
    this.show('inactive', el('p', { 'class': 'notice', role: 'alert', tabindex: '-1', text: text || t(INACTIVE) }));
  };

  Widget.prototype.request = function (method, path, body) {
    var init = { method: method, mode: 'cors', credentials: 'omit', headers: {} };
    if (body) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(this.origin + API + path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!res.ok) {
          var err = new Error((data && data.message) || '');
          err.code = (data && data.code) || 'http-' + res.status;
          throw err;
        }
        return data;
      });
    });
  };

  Widget.prototype.start = function () {
    var self = this;
    if (!this.key) { this.inactive(); this.reveal(); return; }
    this.show('loading', el('p', { 'class': 'notice', text: t('Loading\u2026') }));
    this.request('GET', '/streams/' + encodeURIComponent(this.key)).then(this.guard(function (info) {
      this.info = info || this.info;
      this.info.departments = Array.isArray(this.info.departments) ? this.info.departments : [];
      this.setKind(this.info.kind === 'callback' ? 'callback' : 'webchat');
      this.route();
    }), this.guard(function (err) {
      if (err.code === 'stream-inactive') this.inactive();
      else if (err.code === 'forbidden') this.inactive(t('This channel is not available on this website.'));
      /* A server without stream info: go on with what the tag says. */
      else self.route();
    })).then(function () { self.reveal(); }, function () { self.reveal(); });
  };

  Widget.prototype.route = function () {
    if (this.kind === 'callback') { this.callbackForm(); return; }
    var saved = this.state.load();
    if (saved && saved.token) {
      this.session = saved;
      this.chat();
      if (saved.open) this.toggle(true, true);
      return;
    }
    if (this.info.agents_online === false) this.offline(false);
    else this.prechat();
  };

  Widget.prototype.departmentField = function () {
    var deps = this.info.departments;
    if (!deps.length) return null;
    return this.field(t('Department'), { name: 'department' }, null,
                      deps.map(function (d) { return el('option', { value: d, text: d }); }));
  };

  /* A labelled control; the label names only the control, and a hint is tied
   * to it with aria-describedby. */
  Widget.prototype.field = function (label, attrs, hint, options) {
    var id = 'f-' + attrs.name;
    attrs.id = id;
    attrs['aria-describedby'] = hint ? id + '-hint' : null;
    var tag = options ? 'select' : attrs.name === 'comment' ? 'textarea' : 'input';
    return el('div', { 'class': 'field' }, [
      el('label', { 'for': id, text: label }),
      el(tag, attrs, options),
      hint ? el('span', { id: id + '-hint', 'class': 'hint', text: hint }) : null
    ]);
  };

  Widget.prototype.formError = function (form, text) {
    var box = form.querySelector('.error');
    box.textContent = text;
    box.hidden = !text;
  };

  /* A refused request shows the server's sentence; when the request did not
   * get through at all, the stream may be gone: ask before blaming the network. */
  Widget.prototype.failed = function (form, err, fallback) {
    var self = this;
    var retry = function (text) {
      form.querySelector('.primary').disabled = false;
      self.formError(form, text);
    };
    if (err.code === 'stream-inactive') { this.inactive(); return; }
    if (err.code) { retry(t(err.message || fallback)); return; }
    this.request('GET', '/streams/' + encodeURIComponent(this.key)).then(function () { retry(t(fallback)); },
      this.guard(function (e) { if (e.code === 'stream-inactive') this.inactive(); else retry(t(fallback)); }));
  };

  /* --- Web Chat ----------------------------------------------------------- */

  Widget.prototype.prechat = function () {
    var self = this;
    var form = el('form', { 'class': 'form', novalidate: true, 'aria-label': t('Start a chat') }, [
      this.info.greeting ? el('p', { 'class': 'greeting', text: this.info.greeting }) : null,
      this.field(t('Name'), { name: 'name', autocomplete: 'name', required: true, maxlength: 200 }),
      this.field(t('Email'), { name: 'email', type: 'email', autocomplete: 'email', required: true, maxlength: 200 }),
      this.field(t('Phone (optional)'), { name: 'phone', type: 'tel', autocomplete: 'tel', maxlength: 200 }),
      this.departmentField(),
      el('p', { 'class': 'error', role: 'alert', hidden: true }),
      el('button', { type: 'submit', 'class': 'primary', text: t('Start chat') })
    ]);
    form.addEventListener('submit', this.guard(function (e) {
      e.preventDefault();
      var v = form.elements;
      var name = v.name.value.trim();
      var email = v.email.value.trim();
      if (!name || !email || !v.email.checkValidity()) {
        this.formError(form, t(!name ? 'Please enter your name.' : 'Please enter a valid email address.'));
        (!name ? v.name : v.email).focus();
        return;
      }
      this.formError(form, '');
      form.querySelector('.primary').disabled = true;
      this.request('POST', '/sessions', {
        stream_key: this.key, name: name, email: email,
        phone: v.phone.value.trim() || undefined,
        department: v.department ? v.department.value : undefined,
        page_url: window.location.href.slice(0, MAX_URL)
      }).then(this.guard(function (session) {
        this.session = { token: session.token, conversation_id: session.conversation_id,
                         socket_url: session.socket_url, name: name, pending: [], open: true };
        this.state.save(this.session);
        this.chat();
      }), this.guard(function (err) { this.failed(form, err, 'The chat could not start. Please try again.'); }));
    }));
    self.show('prechat', form);
  };

  /* The way out when nobody answers: a callback widget on the same page, once
   * the other widgets know what they are. */
  Widget.prototype.offline = function (missed) {
    var self = this;
    this.closeSocket();
    if (missed) this.state.clear();
    this.show('loading', el('p', { 'class': 'notice', text: t('Loading\u2026') }));
    Promise.all(reg.list.filter(function (w) { return w !== self; }).map(function (w) { return w.ready; }))
      .then(this.guard(function () { this.offlineView(missed); }));
  };

  Widget.prototype.offlineView = function (missed) {
    var self = this;
    var callback = reg.list.filter(function (w) { return w.kind === 'callback' && w.view !== 'inactive'; })[0];
    this.show('offline',
      el('p', { 'class': 'notice', role: 'status', tabindex: '-1',
                text: t(missed ? 'Sorry, no agent could take your chat.' : 'No agent is available right now.') + ' ' +
                      t(callback ? 'We can call you back instead.' : 'Please try again later.') }),
      callback ? el('button', { type: 'button', 'class': 'primary', text: t('Ask us to call you back'),
                                onclick: function () { callback.toggle(true); } }) : null,
      el('button', { type: 'button', text: t('Try the chat again'), onclick: function () { self.start(); } }));
  };

  Widget.prototype.chat = function () {
    var self = this;
    this.log = el('ol', { 'class': 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t('Conversation'), tabindex: '0' });
    this.typing = el('p', { 'class': 'typing', 'aria-live': 'polite' });
    this.status = el('p', { 'class': 'status', role: 'status' });
    this.agentLine = el('p', { 'class': 'agent' });
    this.seen = {};
    this.pendingNodes = {};
    this.lastId = 0;
    this.noteAgent = null;
    this.input = el('textarea', { name: 'message', rows: '2', 'aria-label': t('Message'), maxlength: 16384,
                                  placeholder: t('Type your message') });
    this.input.addEventListener('keydown', this.guard(function (e) {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); this.sendText(); }
    }));
    this.input.addEventListener('input', this.guard(this.onInput));
    var composer = el('form', { 'class': 'composer', onsubmit: this.guard(function (e) { e.preventDefault(); this.sendText(); }) }, [
      this.input,
      el('button', { type: 'submit', 'class': 'primary', text: t('Send') })
    ]);
    this.show('chat', this.agentLine, this.status, this.log, this.typing, composer,
      el('button', { type: 'button', 'class': 'end', text: t('End chat'), onclick: this.guard(this.endChat) }));
    (this.session.pending || []).forEach(function (p) { self.renderPending(p); });
    this.connect();
  };

  Widget.prototype.connect = function () {
    var self = this;
    var url = this.session.socket_url ||
      this.origin.replace(/^http/, 'ws') + API + '/socket?token=' + encodeURIComponent(this.session.token);
    this.closeSocket();
    this.status.textContent = t(this.retry ? 'Reconnecting\u2026' : 'Connecting\u2026');
    var ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = this.guard(function () {
      this.send({ type: 'hello', body: { last_message_id: this.lastId } });
    });
    ws.onmessage = this.guard(function (e) {
      var frame = JSON.parse(e.data);
      this.onFrame(frame.type, frame.body || {}, frame);
    });
    ws.onclose = this.guard(function () {
      if (this.ws !== ws) return;
      this.ws = null;
      this.retry = Math.min(this.retry + 1, 5);
      this.status.textContent = t('Connection lost. Reconnecting\u2026');
      this.timer = setTimeout(function () { self.timer = null; if (self.view === 'chat') self.connect(); },
                              Math.min(500 * Math.pow(2, this.retry - 1), 8000));
    });
  };

  Widget.prototype.closeSocket = function () {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.ws) { var ws = this.ws; this.ws = null; ws.onclose = null; try { ws.close(); } catch (e) { /* closed */ } }
  };

  Widget.prototype.send = function (frame) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  };

  Widget.prototype.onFrame = function (type, body, frame) {
    var self = this;
    if (type === 'welcome') {
      this.retry = 0;
      this.status.textContent = '';
      (body.messages || []).forEach(function (m) { self.renderMessage(m); });
      if (body.state === 'missed') { this.offline(true); return; }
      if (body.state === 'closed') { this.ratingView(); return; }
      this.setAgent(body.agent_name);
      /* Resend what the server may not have: a stored client_id is never
       * stored twice, so this cannot double a message. */
      this.resendPending();
    } else if (type === 'message') {
      this.renderMessage(body);
    } else if (type === 'typing') {
      this.typing.textContent = !body.typing ? '' : this.agent ? t('{name} is typing\u2026', { name: this.agent })
                                                              : t('Agent is typing\u2026');
    } else if (type === 'agent-joined') {
      this.setAgent(body.name);
    } else if (type === 'closed') {
      if (body.by === 'system') this.offline(true);
      else if (body.ask_rating === false) this.thanks(t('The chat has ended.'));
      else this.ratingView(body.by === 'agent' && this.agent ? t('{name} ended the chat. How did we do?', { name: this.agent }) : null);
    } else if (type === 'error') {
      if (body.code === 'stream-inactive') this.inactive();
      else if (body.code === 'rate-limited' && frame.id !== 'rate') {
        /* The server stored nothing: the messages stay pending and go again,
         * with the same client ids, once the server says it is time. */
        this.status.textContent = t('Sending shortly\u2026');
        if (!this.resendTimer) {
          this.resendTimer = setTimeout(this.guard(function () {
            self.resendTimer = null;
            self.status.textContent = '';
            self.resendPending();
          }), Math.max(1, body.retry_after || 1) * 1000);
        }
      }
      else if (frame.id === 'rate') this.formError(this.body.querySelector('form'), t(body.message || 'The rating was not saved.'));
      else if (body.code === 'unauthorized' || body.code === 'not-found') { this.state.clear(); this.inactive(t('This chat has ended.')); }
      else this.status.textContent = t(body.message || 'Something went wrong.');
    }
  };

  /* The agent who has the chat now, by first name; none yet: waiting. */
  Widget.prototype.setAgent = function (name) {
    this.agent = name ? firstName(name) : null;
    this.agentLine.textContent = this.agent ? t('You are chatting with {name}.', { name: this.agent })
                                            : t('Waiting for an agent\u2026');
  };

  /* The server's system notes are the agents' ("Reserved by …"); the one
   * that names an agent (author_name) is, for the customer, the first time
   * a join and every later time a transfer from the agent before. A note
   * without a name keeps its text. */
  Widget.prototype.noteText = function (m) {
    if (!m.author_name) return m.text || '';
    var to = firstName(m.author_name);
    var from = this.noteAgent;
    this.noteAgent = to;
    return from ? t('{from} transferred you to {to}', { from: from, to: to }) : t('{name} joined the chat', { name: to });
  };

  /* Sends every message the server has not confirmed yet: a stored client_id
   * is never stored twice, so this cannot double a message. */
  Widget.prototype.resendPending = function () {
    var self = this;
    (this.session.pending || []).forEach(function (p) {
      self.send({ type: 'send-message', body: { client_id: p.client_id, text: p.text } });
    });
  };

  Widget.prototype.renderMessage = function (m) {
    if (!m || !m.id || this.seen[m.id]) return;
    this.seen[m.id] = true;
    this.lastId = Math.max(this.lastId, m.id);
    var system = m.direction !== 'in' && m.direction !== 'out';
    var item = this.messageNode(system ? 'system' : m.direction,
                                m.direction === 'out' ? (firstName(m.author_name) || t('Agent')) : m.direction === 'in' ? t('You') : '',
                                system ? this.noteText(m) : m.text || '', m.attachments);
    item.setAttribute('data-id', m.id);
    var pending = m.client_id && this.pendingNodes[m.client_id];
    if (pending) {
      this.log.replaceChild(item, pending);
      delete this.pendingNodes[m.client_id];
    } else {
      this.log.appendChild(item);
    }
    if (m.client_id && this.session.pending) {
      this.session.pending = this.session.pending.filter(function (p) { return p.client_id !== m.client_id; });
      this.state.save(this.session);
    }
    if (m.direction === 'out') this.typing.textContent = '';
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.messageNode = function (kind, author, text, attachments) {
    var files = (attachments || []).filter(function (a) { return a && a.name; }).map(function (a) {
      var url = null;
      try { url = a.url ? new URL(a.url, this.origin) : null; } catch (e) { url = null; }
      var ok = url && (url.protocol === 'https:' || url.protocol === 'http:');
      return el('li', {}, [ok ? el('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer nofollow', text: a.name })
                              : el('span', { text: a.name })]);
    }, this);
    return el('li', { 'class': 'msg ' + kind }, [
      author ? el('span', { 'class': 'author', text: author }) : null,
      el('p', { 'class': 'text', dir: 'auto' }, [linkify(text)]),
      files.length ? el('ul', { 'class': 'files', 'aria-label': t('Attachments') }, files) : null
    ]);
  };

  Widget.prototype.renderPending = function (p) {
    var node = this.messageNode('in pending', t('You'), p.text);
    this.pendingNodes[p.client_id] = node;
    this.log.appendChild(node);
  };

  Widget.prototype.sendText = function () {
    var text = this.input.value.trim();
    if (!text) return;
    var p = { client_id: newId(), text: text };
    this.session.pending = (this.session.pending || []).concat([p]);
    this.state.save(this.session);
    this.renderPending(p);
    this.input.value = '';
    this.setTyping(false);
    this.send({ type: 'send-message', body: p });
  };

  Widget.prototype.setTyping = function (typing) {
    clearTimeout(this.typingTimer);
    if (typing !== this.typingSent) {
      this.typingSent = typing;
      this.send({ type: 'typing', body: { typing: typing } });
    }
  };

  Widget.prototype.onInput = function () {
    var self = this;
    this.setTyping(this.input.value.length > 0);
    this.typingTimer = setTimeout(function () { self.setTyping(false); }, 5000);
  };

  Widget.prototype.endChat = function () {
    this.send({ type: 'close', body: {} });
    this.ratingView();
  };

  Widget.prototype.ratingView = function (notice) {
    var self = this;
    this.closeSocket();
    if (this.session) { this.session.closed = true; this.state.save(this.session); }
    var stars = [1, 2, 3, 4, 5].map(function (n) {
      return el('label', { 'class': 'star' }, [
        el('input', { type: 'radio', name: 'rating', value: n, 'aria-label': n === 1 ? t('1 star') : t('{n} stars', { n: n }) }),
        el('span', { 'aria-hidden': 'true', text: '\u2605' })
      ]);
    });
    var form = el('form', { 'class': 'form rating', 'aria-label': t('Rate this chat') }, [
      el('p', { 'class': 'notice', text: notice || t('The chat has ended. How did we do?') }),
      el('fieldset', { 'class': 'stars' }, [el('legend', { text: t('Your rating') })].concat(stars)),
      this.field(t('Comment (optional)'), { name: 'comment', rows: '3', maxlength: 2048 }),
      el('p', { 'class': 'error', role: 'alert', hidden: true }),
      el('button', { type: 'submit', 'class': 'primary', text: t('Send rating') }),
      el('button', { type: 'button', text: t('Skip'), onclick: function () { self.thanks(t('Thank you for chatting with us.')); } })
    ]);
    form.addEventListener('submit', this.guard(function (e) {
      e.preventDefault();
      var checked = form.querySelector('input[name="rating"]:checked');
      if (!checked) { this.formError(form, t('Please choose from 1 to 5 stars.')); return; }
      var frame = { type: 'rate', id: 'rate', body: { rating: Number(checked.value), comment: form.elements.comment.value.trim() || undefined } };
      this.rateOnce(frame);
    }));
    this.show('rating', form);
  };

  /* The rating goes on a short-lived socket of its own: the chat's socket is
   * closed once the chat ends. */
  Widget.prototype.rateOnce = function (frame) {
    var self = this;
    var url = this.session.socket_url ||
      this.origin.replace(/^http/, 'ws') + API + '/socket?token=' + encodeURIComponent(this.session.token);
    var ws = new WebSocket(url);
    var done = false;
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: 'hello', body: { last_message_id: self.lastId } }));
      ws.send(JSON.stringify(frame));
      ws.send(JSON.stringify({ type: 'ping', id: 'after-rate' }));
    };
    ws.onmessage = self.guard(function (e) {
      var reply = JSON.parse(e.data);
      if (reply.type === 'error' && reply.id === 'rate' && !done) {
        done = true;
        ws.close();
        this.formError(this.body.querySelector('form'), t((reply.body && reply.body.message) || 'The rating was not saved.'));
      } else if (reply.type === 'pong' && !done) {
        /* Frames are handled in order: no error before the pong means stored. */
        done = true;
        ws.close();
        this.thanks(t('Thank you for your feedback.'));
      }
    });
    ws.onerror = self.guard(function () {
      if (!done) this.formError(this.body.querySelector('form'), t('The rating could not be sent. Please try again.'));
    });
  };

  Widget.prototype.thanks = function (text) {
    var self = this;
    this.closeSocket();
    this.state.clear();
    this.session = null;
    this.show('thanks',
      el('p', { 'class': 'notice', role: 'status', tabindex: '-1', text: text }),
      el('button', { type: 'button', text: t('Start a new chat'), onclick: function () { self.start(); } }));
  };

  /* --- Callback ----------------------------------------------------------- */

  Widget.prototype.callbackForm = function () {
    var form = el('form', { 'class': 'form', novalidate: true, 'aria-label': t('Request a callback') }, [
      this.info.greeting ? el('p', { 'class': 'greeting', text: this.info.greeting }) : null,
      this.field(t('Name'), { name: 'name', autocomplete: 'name', required: true, maxlength: 200 }),
      this.field(t('Phone number'), { name: 'number', type: 'tel', autocomplete: 'tel', required: true, maxlength: 200,
                                      placeholder: '+44 20 7946 0958' },
                 t('With the country code, e.g. +44 for the UK or +1 for the US.')),
      this.departmentField(),
      this.field(t('Preferred time (optional)'), { name: 'time', maxlength: 200, placeholder: t('e.g. weekdays after 3 pm') }),
      el('p', { 'class': 'error', role: 'alert', hidden: true }),
      el('button', { type: 'submit', 'class': 'primary', text: t('Call me back') })
    ]);
    form.addEventListener('submit', this.guard(function (e) {
      e.preventDefault();
      var v = form.elements;
      var name = v.name.value.trim();
      var number = normalizePhone(v.number.value);
      v.number.setAttribute('aria-invalid', String(!number));
      if (!name || !number) {
        this.formError(form, t(!name ? 'Please enter your name.'
                                     : 'Please enter a phone number with its country code, e.g. +44 20 7946 0958.'));
        (!name ? v.name : v.number).focus();
        return;
      }
      this.formError(form, '');
      form.querySelector('.primary').disabled = true;
      this.request('POST', '/callbacks', {
        stream_key: this.key, name: name, number: number,
        department: v.department ? v.department.value : undefined,
        preferred_time: v.time.value.trim() || undefined
      }).then(this.guard(function () {
        this.show('done', el('p', { 'class': 'notice', role: 'status', tabindex: '-1',
                                    text: t('Thank you, {name}. We will call you at {number}.', { name: name, number: number }) }));
      }), this.guard(function (err) { this.failed(form, err, 'The request could not be sent. Please try again.'); }));
    }));
    this.show('form', form);
  };

  /* --- Start-up ----------------------------------------------------------- */

  function boot() {
    LANG = pickLanguage();
    var scripts = document.querySelectorAll('script[data-stream]');
    Array.prototype.forEach.call(scripts, function (script) {
      if (reg.seen.has(script) || !/\/widget(\/[^/]+)?\/widget\.js|\/widget\.js/.test(script.src)) return;
      reg.seen.add(script);
      try {
        reg.list.push(new Widget(script, reg.list.length));
      } catch (e) {
        if (window.console) window.console.warn('Frontdesk widget could not start.');
      }
    });
  }

  if (document.body) boot();
  else document.addEventListener('DOMContentLoaded', boot);
})();
