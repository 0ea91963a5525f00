(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('data').textContent);
  var SVG = 'http://www.w3.org/2000/svg';
  var PAGE = 50;
  var state = { q: '', off: {}, status: 'all', view: 'route' };

  function el(tag, props, kids) {
    var e = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === 'text') { e.textContent = props[k]; } else if (k === 'on') {
          Object.keys(props.on).forEach(function (ev) { e.addEventListener(ev, props.on[ev]); });
        } else { e.setAttribute(k, props[k]); }
      });
    }
    (kids || []).forEach(function (c) { if (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  // Filters.
  function textOf(f) { return (f.a + ' ' + f.msg + ' ' + f.posn + ' ' + (f.route || '') + ' ' + (f.func || '')).toLowerCase(); }
  function findingShown(i) {
    var f = D.findings[i];
    if (state.off[f.a]) { return false; }
    return !state.q || textOf(f).indexOf(state.q) >= 0;
  }
  function routeShown(r) {
    if (state.status !== 'all' && r.status !== state.status) { return false; }
    if (!state.q) { return true; }
    return (r.route + ' ' + r.handler + ' ' + r.framework + ' ' + r.reg).toLowerCase().indexOf(state.q) >= 0 ||
      (r.findings || []).some(findingShown);
  }

  function summary() {
    var by = {};
    D.findings.forEach(function (f) { by[f.a] = (by[f.a] || 0) + 1; });
    var blocking = D.routes.filter(function (r) { return r.status === 'blocking'; }).length;
    var parts = [plural(D.packages.length, 'package', 'packages') + ' analyzed', plural(D.routes.length, 'route', 'routes') +
      ' (' + blocking + ' blocking)', plural(D.findings.length, 'finding', 'findings')];
    var s = parts.join(' · ');
    var an = Object.keys(by).sort(function (a, b) { return by[b] - by[a]; }).map(function (a) { return a + ' ' + by[a]; });
    if (an.length) { s += ': ' + an.join(', '); }
    document.getElementById('summary').textContent = s;
  }

  function filters() {
    var nav = document.getElementById('filters');
    var q = el('input', { type: 'search', placeholder: 'Filter by route, handler, file, message', 'aria-label': 'filter' });
    q.addEventListener('input', function () { state.q = q.value.trim().toLowerCase(); refresh(); });
    nav.appendChild(q);
    D.analyzers.forEach(function (a) {
      var n = D.findings.filter(function (f) { return f.a === a.name; }).length;
      if (!n) { return; }
      var cb = el('input', { type: 'checkbox', checked: 'checked', 'data-analyzer': a.name });
      cb.addEventListener('change', function () { state.off[a.name] = !cb.checked; refresh(); });
      nav.appendChild(el('label', { title: a.short }, [cb, ' ' + a.name + ' (' + n + ')']));
    });
    var sel = el('select', { 'aria-label': 'route status' });
    ['all', 'blocking', 'clean', 'unresolved', 'library'].forEach(function (s) { sel.appendChild(el('option', { value: s, text: 'routes: ' + s })); });
    sel.addEventListener('change', function () { state.status = sel.value; refresh(); });
    nav.appendChild(sel);
  }

  function countsCell(r) {
    if (r.status !== 'blocking') {
      var label = { clean: 'clean', unresolved: 'unresolved: handler not traced', library: 'library handler: not analyzed' }[r.status];
      return el('td', { class: 'status s-' + r.status, text: label });
    }
    var td = el('td', { class: 'status s-blocking' });
    Object.keys(r.counts).sort(function (a, b) { return r.counts[b] - r.counts[a] || (a < b ? -1 : 1); }).forEach(function (a) {
      td.appendChild(el('span', { class: 'badge an', text: a + ' ' + r.counts[a] }));
    });
    return td;
  }

  function inventory() {
    var table = document.getElementById('inventory');
    var head = el('tr', null, ['Route', 'Handler', 'Framework', 'Blocking', 'Registered', 'Defined'].map(function (h) { return el('th', { text: h }); }));
    table.tHead.appendChild(head);
    var body = table.tBodies[0];
    D.routes.forEach(function (r, i) {
      var tr = el('tr', { class: 'route', 'data-route': i, id: 'route-' + i }, [
        el('td', { class: 'mono', text: r.route || '(pattern not known statically)' }),
        el('td', { class: 'mono', text: r.handler || '?' }),
        el('td', { text: r.framework }),
        countsCell(r),
        el('td', { class: 'mono', text: r.reg }),
        el('td', { class: 'mono', text: r.def || '' })
      ]);
      tr.addEventListener('click', function () { openRoute(i); });
      body.appendChild(tr);
    });
  }

  function openRoute(i) {
    if (!(D.routes[i].findings || []).length) { return; }
    setView('route');
    var d = document.getElementById('group-route-' + i);
    if (d) { d.open = true; fill(d); d.scrollIntoView(); }
  }

  function snippet(s) {
    var pre = el('pre', { class: 'snippet' });
    s.lines.forEach(function (line, k) {
      var n = s.start + k;
      pre.appendChild(el('span', { class: n === s.mark ? 'mark' : '' }, [el('i', { text: String(n) }), line]));
    });
    return pre;
  }

  function graph(g) {
    var box = el('div', { class: 'graph' });
    var s = svg('svg', { class: 'path', width: g.W, height: g.H, viewBox: '0 0 ' + g.W + ' ' + g.H, role: 'img', 'aria-label': 'call path' });
    g.Edges.forEach(function (d) { s.appendChild(svg('path', { class: 'edge', d: d })); });
    g.Nodes.forEach(function (n) {
      var gr = svg('g', { class: 'node k-' + n.Kind });
      var t = svg('title');
      t.textContent = n.Title;
      gr.appendChild(t);
      gr.appendChild(svg('rect', { class: 'node', x: n.X, y: n.Y, width: n.W, height: n.H }));
      var tx = svg('text', { x: n.X + 10, y: n.Y + n.H / 2 });
      tx.textContent = n.Label;
      gr.appendChild(tx);
      if (n.Kind === 'route' && n.Route >= 0) {
        gr.addEventListener('click', function () { var row = document.getElementById('route-' + n.Route); if (row) { row.scrollIntoView(); } });
      }
      s.appendChild(gr);
    });
    box.appendChild(s);
    if (g.Omitted) { box.appendChild(el('p', { class: 'note', text: plural(g.Omitted, 'more route reaches', 'more routes reach') + ' this operation (see the inventory).' })); }
    return box;
  }

  function card(i) {
    var f = D.findings[i];
    var head = el('div', { class: 'head' }, [el('span', { class: 'badge an', text: f.a }), el('code', { text: f.posn })]);
    if (f.route) { head.appendChild(el('span', { class: 'badge', text: f.route })); }
    if ((f.routes || []).length > 1) { head.appendChild(el('span', { class: 'note', text: 'reached from ' + plural(f.routes.length, 'route', 'routes') })); }
    var c = el('div', { class: 'finding', 'data-finding': i }, [head, el('p', { class: 'msg', text: f.msg })]);
    if (f.fix) { c.appendChild(el('p', { class: 'fix' }, [el('b', { text: 'Fix: ' }), f.fix])); }
    if (f.snip) { c.appendChild(snippet(f.snip)); }
    if (f.graph) { c.appendChild(graph(f.graph)); }
    return c;
  }

  // Groups are filled when opened, a page at a time, so that thousands of findings cost nothing until looked at.
  function fill(d) {
    if (d.getAttribute('data-filled')) { return; }
    d.setAttribute('data-filled', '1');
    var list = JSON.parse(d.getAttribute('data-list'));
    var shown = 0;
    var more = el('button', { class: 'more' });
    function page() {
      var end = Math.min(list.length, shown + PAGE);
      for (; shown < end; shown++) { d.insertBefore(card(list[shown]), more); }
      more.textContent = 'Show ' + Math.min(PAGE, list.length - shown) + ' more of ' + (list.length - shown);
      more.className = shown < list.length ? 'more' : 'more hidden';
    }
    more.addEventListener('click', page);
    d.appendChild(more);
    page();
  }

  function group(id, title, list, open) {
    var d = el('details', { class: 'group', id: id, 'data-list': JSON.stringify(list) },
      [el('summary', null, [title + ' ', el('span', { class: 'count', text: '(' + plural(list.length, 'finding', 'findings') + ')' })])]);
    d.addEventListener('toggle', function () { if (d.open) { fill(d); } });
    if (open) { d.open = true; fill(d); }
    return d;
  }

  function groups() {
    var box = document.getElementById('groups');
    box.textContent = '';
    var first = true;
    if (state.view === 'route') {
      D.routes.forEach(function (r, i) {
        if (!routeShown(r)) { return; }
        var list = (r.findings || []).filter(findingShown);
        if (!list.length) { return; }
        box.appendChild(group('group-route-' + i, (r.route || r.handler) + ' — ' + r.handler, list, first));
        first = false;
      });
    } else {
      D.analyzers.forEach(function (a) {
        var list = [];
        D.findings.forEach(function (f, i) { if (f.a === a.name && findingShown(i)) { list.push(i); } });
        if (!list.length) { return; }
        box.appendChild(group('group-analyzer-' + a.name, a.name + ': ' + a.short, list, first));
        first = false;
      });
      var other = [];
      D.findings.forEach(function (f, i) { if (!D.analyzers.some(function (a) { return a.name === f.a; }) && findingShown(i)) { other.push(i); } });
      if (other.length) { box.appendChild(group('group-analyzer-other', 'other', other, first)); }
    }
    if (!box.firstChild) { box.appendChild(el('p', { class: 'note', text: D.findings.length ? 'No finding matches the filters.' : 'No findings: every route analyzed is clean.' })); }
  }

  function setView(v) {
    state.view = v;
    Array.prototype.forEach.call(document.querySelectorAll('#views button'), function (b) { b.className = b.getAttribute('data-view') === v ? 'on' : ''; });
    groups();
  }

  function views() {
    var box = document.getElementById('views');
    [['route', 'By route'], ['analyzer', 'By analyzer']].forEach(function (v) {
      box.appendChild(el('button', { 'data-view': v[0], type: 'button', text: v[1], on: { click: function () { setView(v[0]); } } }));
    });
  }

  function refresh() {
    Array.prototype.forEach.call(document.querySelectorAll('#inventory tr.route'), function (tr) {
      tr.className = routeShown(D.routes[+tr.getAttribute('data-route')]) ? 'route' : 'route hidden';
    });
    groups();
  }

  summary();
  filters();
  inventory();
  views();
  setView('route');
  document.documentElement.setAttribute('data-render-ms', String(Math.round(performance.now())));
})();
