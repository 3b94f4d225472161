// The operations page at GET /admin. Plain browser JavaScript, no build step, loaded as a file
// because the Content-Security-Policy forbids inline scripts. Every value from the API reaches the
// DOM through textContent (never parsed as markup), and the admin key lives in sessionStorage only: it is
// sent as `Authorization: Bearer` on each API call and forgotten when the tab closes.
(function () {
  'use strict';

  var KEY_STORAGE = 'qris-admin-api-key';
  var POLL_INTERVAL_MS = 1000;
  var POLL_MAX_ATTEMPTS = 60;
  var RECON_LISTS = [
    ['missing_at_provider', 'Paid here, missing at the provider'],
    ['missing_in_our_system', 'Settled by the provider, missing here'],
    ['status_mismatch', 'Status mismatches'],
    ['amount_mismatch', 'Amount mismatches'],
  ];

  var $ = function (id) { return document.getElementById(id); };
  var state = { status: '', q: '', nextCursor: null, rows: {}, selectedId: null, loadingPage: false };
  var rupiah = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });

  // ---- small DOM helpers (text only) ---------------------------------------------------------

  function el(tag, options, children) {
    var node = document.createElement(tag);
    options = options || {};
    if (options.className) node.className = options.className;
    if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
    if (options.attrs) Object.keys(options.attrs).forEach(function (name) { node.setAttribute(name, options.attrs[name]); });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function badge(value) {
    // The class list only takes known words; anything else is shown as plain text.
    var known = /^(CREATED|PENDING|PAID|EXPIRED|FAILED|REFUNDED|QUEUED|RUNNING|DONE)$/.test(String(value));
    return el('span', { className: known ? 'badge ' + value : 'badge', text: value });
  }

  function when(iso) {
    if (!iso) return '—';
    return String(iso).replace('T', ' ').replace(/\.\d+/, '').replace(/\+07:00$/, '');
  }

  function money(n) {
    return typeof n === 'number' ? 'Rp ' + rupiah.format(n) : '—';
  }

  function show(text, isError) {
    var box = $('message');
    box.textContent = text;
    box.className = isError ? 'message error' : 'message';
    box.hidden = !text;
  }

  function busy(button, on) {
    if (button) button.disabled = on;
  }

  function jakartaToday() {
    var parts = {};
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date())
      .forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + '-' + parts.month + '-' + parts.day;
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // ---- the admin key and API calls ---------------------------------------------------------

  function getKey() {
    try { return sessionStorage.getItem(KEY_STORAGE) || ''; } catch (e) { return ''; }
  }

  function setKey(value) {
    try {
      if (value) sessionStorage.setItem(KEY_STORAGE, value);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch (e) { /* storage blocked: the key is simply not remembered */ }
    renderKeyState();
  }

  function renderKeyState() {
    var has = !!getKey();
    $('key-forget').hidden = !has;
    $('key-state').textContent = has
      ? 'Key set for this tab (sessionStorage only).'
      : 'No key: the page holds no data until you enter one (kept in this tab only).';
  }

  function ApiError(status, message, problem) {
    this.status = status;
    this.message = message;
    this.problem = problem;
  }

  function problemText(status, body) {
    if (body && typeof body === 'object') {
      var text = (body.title || 'HTTP ' + status) + (body.detail ? ': ' + body.detail : '');
      if (Array.isArray(body.errors) && body.errors.length) {
        text += '\n' + body.errors.map(function (e) { return '• ' + e.field + ': ' + e.message; }).join('\n');
      }
      return text;
    }
    return 'HTTP ' + status + (typeof body === 'string' && body ? ': ' + body.slice(0, 200) : '');
  }

  /** fetch with the Bearer key; resolves to the Response when ok, rejects with an ApiError otherwise. */
  function call(method, path, body) {
    var key = getKey();
    if (!key) return Promise.reject(new ApiError(0, 'Enter the admin API key first.'));
    var headers = { Authorization: 'Bearer ' + key, Accept: 'application/json, text/csv' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
    }).then(function (response) {
      if (response.ok) return response;
      return response.text().then(function (text) {
        var parsed = text;
        try { parsed = JSON.parse(text); } catch (e) { /* not JSON */ }
        if (response.status === 401) {
          setKey('');
          throw new ApiError(401, 'The admin API key was refused; enter it again.', parsed);
        }
        throw new ApiError(response.status, problemText(response.status, parsed), parsed);
      });
    }, function (error) {
      throw new ApiError(0, 'Network error: ' + (error && error.message ? error.message : error));
    });
  }

  function json(method, path, body) {
    return call(method, path, body).then(function (r) { return r.status === 204 ? null : r.json(); });
  }

  function report(error) {
    show(error && error.message ? error.message : String(error), true);
  }

  // ---- payments ----------------------------------------------------------------------------

  function filterParams() {
    var params = new URLSearchParams();
    if (state.status) params.set('status', state.status);
    if (state.q) params.set('q', state.q);
    return params;
  }

  function loadPayments(reset) {
    if (state.loadingPage) return Promise.resolve();
    var params = filterParams();
    if (!reset && state.nextCursor) params.set('cursor', state.nextCursor);
    var query = params.toString();
    state.loadingPage = true;
    busy($('load-more'), true);
    return json('GET', '/admin/payments' + (query ? '?' + query : ''))
      .then(function (page) {
        if (reset) {
          $('payments-body').replaceChildren();
          state.rows = {};
        }
        page.data.forEach(addRow);
        state.nextCursor = page.next_cursor;
        $('load-more').hidden = !page.next_cursor;
        $('payments-empty').hidden = Object.keys(state.rows).length > 0;
        show('');
      })
      .catch(report)
      .then(function () {
        state.loadingPage = false;
        busy($('load-more'), false);
      });
  }

  function addRow(p) {
    state.rows[p.payment_id] = p;
    var statusCell = el('td', {}, [badge(p.status)]);
    var row = el('tr', { attrs: { tabindex: '0', 'data-id': p.payment_id } }, [
      el('td', { text: when(p.created_at) }),
      el('td', { className: 'mono', text: p.order_id }),
      statusCell,
      el('td', { className: 'num', text: money(p.amount) }),
      el('td', { className: 'mono', text: p.provider_trx_id || '—' }),
      el('td', { text: when(p.paid_at) }),
    ]);
    if (p.payment_id === state.selectedId) row.classList.add('selected');
    $('payments-body').appendChild(row);
  }

  function exportCsv() {
    var button = $('export-csv');
    var query = filterParams().toString();
    busy(button, true);
    show('Exporting…');
    call('GET', '/admin/payments.csv' + (query ? '?' + query : ''))
      .then(function (response) {
        var disposition = response.headers.get('Content-Disposition') || '';
        var match = /filename="([^"]+)"/.exec(disposition);
        var name = match ? match[1] : 'payments.csv';
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var link = el('a', { attrs: { href: url, download: name } });
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
          show('Downloaded ' + name + ' (' + blob.size + ' bytes).');
        });
      })
      .catch(report)
      .then(function () { busy(button, false); });
  }

  // ---- one payment: fields, timeline, resend -------------------------------------------------

  function select(id) {
    var payment = state.rows[id];
    if (!payment) return;
    state.selectedId = id;
    Array.prototype.forEach.call($('payments-body').children, function (tr) {
      tr.classList.toggle('selected', tr.getAttribute('data-id') === id);
    });
    var fields = $('detail-fields');
    fields.replaceChildren();
    [
      ['Payment id', payment.payment_id],
      ['Order', payment.order_id],
      ['Status', null],
      ['Amount', money(payment.amount) + ' ' + (payment.currency || '')],
      ['Provider', payment.provider],
      ['Provider trx', payment.provider_trx_id],
      ['Provider ref', payment.provider_ref_no],
      ['Created', when(payment.created_at)],
      ['Updated', when(payment.updated_at)],
      ['Expires', when(payment.expires_at)],
      ['Paid', when(payment.paid_at)],
    ].forEach(function (pair) {
      fields.appendChild(el('dt', { text: pair[0] }));
      fields.appendChild(pair[0] === 'Status' ? el('dd', {}, [badge(payment.status)]) : el('dd', { text: pair[1] || '—' }));
    });
    $('detail-title').textContent = 'Payment ' + payment.order_id;
    $('detail').hidden = false;
    loadTimeline();
  }

  function loadTimeline() {
    var id = state.selectedId;
    if (!id) return Promise.resolve();
    var list = $('timeline');
    list.replaceChildren(el('li', { className: 'muted', text: 'Loading…' }));
    return json('GET', '/admin/payments/' + encodeURIComponent(id) + '/logs')
      .then(function (body) {
        if (state.selectedId !== id) return;
        list.replaceChildren();
        if (!body.data.length) list.appendChild(el('li', { className: 'muted', text: 'No log entries.' }));
        body.data.forEach(function (entry) {
          var item = el('li', {}, [el('span', { className: 'when', text: when(entry.created_at) }), el('span', { className: 'event', text: entry.event })]);
          if (entry.payload !== null && entry.payload !== undefined) {
            item.appendChild(el('pre', { text: typeof entry.payload === 'string' ? entry.payload : JSON.stringify(entry.payload, null, 2) }));
          }
          list.appendChild(item);
        });
      })
      .catch(function (error) {
        list.replaceChildren();
        report(error);
      });
  }

  function resendCallback() {
    var payment = state.rows[state.selectedId];
    if (!payment) return;
    if (!window.confirm('Send the merchant callback again for order ' + payment.order_id + ' (' + payment.status + ')?')) return;
    var button = $('resend-callback');
    busy(button, true);
    json('POST', '/admin/payments/' + encodeURIComponent(payment.payment_id) + '/callback')
      .then(function (body) {
        show('Callback queued for ' + payment.order_id + ' (delivery ' + body.delivery_id + ').');
        return loadTimeline();
      })
      .catch(report)
      .then(function () { busy(button, false); });
  }

  // ---- reconciliation ----------------------------------------------------------------------

  function reconDate() {
    var value = $('recon-date').value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new ApiError(0, 'Pick a day (YYYY-MM-DD).');
    return value;
  }

  function fetchReport(date) {
    return json('GET', '/admin/reconciliations/' + encodeURIComponent(date));
  }

  function runReconciliation() {
    var date;
    try { date = reconDate(); } catch (error) { report(error); return; }
    var button = $('recon-form').querySelector('button[type="submit"]');
    busy(button, true);
    json('POST', '/admin/reconciliations', { date: date })
      .then(function (accepted) {
        show('Reconciliation of ' + date + ' queued (run ' + accepted.run_id + '); waiting for the report…');
        return pollReport(date, accepted.run_id, 0);
      })
      .catch(report)
      .then(function () { busy(button, false); });
  }

  function pollReport(date, runId, attempt) {
    return fetchReport(date).then(function (run) {
      renderReport(run);
      var finished = run.run_id === runId && (run.status === 'DONE' || run.status === 'FAILED');
      if (finished) {
        show('Reconciliation of ' + date + ': ' + run.status + '.', run.status === 'FAILED');
        return;
      }
      if (attempt + 1 >= POLL_MAX_ATTEMPTS) {
        show('The run is still ' + run.status + '; use "Show report" later.');
        return;
      }
      return sleep(POLL_INTERVAL_MS).then(function () { return pollReport(date, runId, attempt + 1); });
    });
  }

  function showReport() {
    var date;
    try { date = reconDate(); } catch (error) { report(error); return; }
    var button = $('recon-show');
    busy(button, true);
    fetchReport(date)
      .then(function (run) {
        renderReport(run);
        show('');
      })
      .catch(function (error) {
        $('recon-report').replaceChildren();
        report(error);
      })
      .then(function () { busy(button, false); });
  }

  function countBox(label, value, attention) {
    return el('div', { className: attention ? 'count attention' : 'count' }, [el('span', { className: 'n', text: value }), el('span', { className: 'muted', text: label })]);
  }

  function cellText(key, value) {
    if (value === null || value === undefined) return '—';
    if (typeof value === 'number' && /amount|fee|net/.test(key)) return money(value);
    if (typeof value === 'object') return JSON.stringify(value);
    if (/_at$/.test(key)) return when(value);
    return String(value);
  }

  function listTable(items) {
    var columns = Object.keys(items[0]);
    var head = el('tr', {}, columns.map(function (c) { return el('th', { text: c, attrs: { scope: 'col' } }); }));
    var rows = items.map(function (item) {
      return el('tr', {}, columns.map(function (c) {
        return el('td', { className: typeof item[c] === 'number' ? 'num' : 'mono', text: cellText(c, item[c]) });
      }));
    });
    return el('div', { className: 'scroll' }, [el('table', {}, [el('thead', {}, [head]), el('tbody', {}, rows)])]);
  }

  function renderReport(run) {
    var box = $('recon-report');
    box.replaceChildren();
    var meta = el('dl', { className: 'fields' });
    [
      ['Day', run.date],
      ['Provider', run.provider],
      ['Status', null],
      ['Run', run.run_id],
      ['Trigger', run.trigger],
      ['Queued', when(run.created_at)],
      ['Started', when(run.started_at)],
      ['Finished', when(run.finished_at)],
      ['Error', run.error],
    ].forEach(function (pair) {
      if (pair[0] === 'Error' && !pair[1]) return;
      meta.appendChild(el('dt', { text: pair[0] }));
      meta.appendChild(pair[0] === 'Status' ? el('dd', {}, [badge(run.status)]) : el('dd', { text: pair[1] || '—' }));
    });
    box.appendChild(meta);

    var r = run.report;
    if (!r) {
      box.appendChild(el('p', { className: 'muted', text: run.status === 'FAILED' ? 'The run failed; no report.' : 'No report yet.' }));
      return;
    }
    var counts = r.counts || {};
    var totals = r.totals || {};
    box.appendChild(
      el('div', { className: 'counts' }, [
        countBox('settlement rows', r.settlement_rows),
        countBox('matched', counts.matched),
        countBox('missing at provider', counts.missing_at_provider, counts.missing_at_provider > 0),
        countBox('missing here', counts.missing_in_our_system, counts.missing_in_our_system > 0),
        countBox('status mismatch', counts.status_mismatch, counts.status_mismatch > 0),
        countBox('amount mismatch', counts.amount_mismatch, counts.amount_mismatch > 0),
        countBox('settled amount', money(totals.amount)),
        countBox('fees', money(totals.fee)),
        countBox('net', money(totals.net)),
      ]),
    );
    RECON_LISTS.forEach(function (entry) {
      var items = r[entry[0]];
      if (!Array.isArray(items) || !items.length) return;
      box.appendChild(el('h3', { text: entry[1] + ' (' + items.length + ')' }));
      box.appendChild(listTable(items));
    });
  }

  // ---- wiring ------------------------------------------------------------------------------

  function rowFromEvent(event) {
    var tr = event.target.closest('tr[data-id]');
    return tr ? tr.getAttribute('data-id') : null;
  }

  function start() {
    $('recon-date').value = jakartaToday();
    $('recon-date').max = jakartaToday();
    renderKeyState();

    $('key-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var value = $('key-input').value.trim();
      $('key-input').value = '';
      if (!value) { report(new ApiError(0, 'Enter the admin API key.')); return; }
      setKey(value);
      loadPayments(true);
    });
    $('key-forget').addEventListener('click', function () {
      setKey('');
      $('payments-body').replaceChildren();
      $('recon-report').replaceChildren();
      $('detail').hidden = true;
      $('load-more').hidden = true;
      state.rows = {};
      state.selectedId = null;
      show('Key forgotten.');
    });

    $('filter-form').addEventListener('submit', function (event) {
      event.preventDefault();
      state.status = $('filter-status').value;
      state.q = $('filter-q').value.trim();
      loadPayments(true);
    });
    $('export-csv').addEventListener('click', exportCsv);
    $('load-more').addEventListener('click', function () { loadPayments(false); });

    $('payments-body').addEventListener('click', function (event) {
      var id = rowFromEvent(event);
      if (id) select(id);
    });
    $('payments-body').addEventListener('keydown', function (event) {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      var id = rowFromEvent(event);
      if (id) { event.preventDefault(); select(id); }
    });
    $('resend-callback').addEventListener('click', resendCallback);
    $('reload-logs').addEventListener('click', loadTimeline);
    $('close-detail').addEventListener('click', function () {
      $('detail').hidden = true;
      state.selectedId = null;
      Array.prototype.forEach.call($('payments-body').children, function (tr) { tr.classList.remove('selected'); });
    });

    $('recon-form').addEventListener('submit', function (event) {
      event.preventDefault();
      runReconciliation();
    });
    $('recon-show').addEventListener('click', showReport);

    if (getKey()) loadPayments(true);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
