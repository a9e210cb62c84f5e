// Maps drawn with Leaflet (vendored): the agenda's map and the small map of an event page.
//
// Everything comes from data- attributes of the container, set by the templates:
//   data-semaine-map="events": clustered markers, fetched as GeoJSON for the visible area
//     (data-geojson, with the agenda's filters), initial view data-bounds (west,south,east,north);
//   data-semaine-map="point": one marker at data-lat, data-lon, labelled data-label.
// Common: data-tiles (XYZ template), data-attribution, data-images (Leaflet's marker images).
// The map works without tiles (none configured, offline, blocked tile server): markers and
// clusters still show; with none configured, the outlines of the départements (data-outlines,
// GeoJSON from this site) are drawn under them, and no other host is asked for anything.
// No inline style in markup (the CSP forbids it): Leaflet sets styles through the CSSOM only.
(function () {
  "use strict";
  if (typeof window.L === "undefined") { return; }
  var L = window.L;
  var DEBOUNCE_MS = 250;
  var FRANCE = [-5.2, 41.3, 9.6, 51.1];

  function text(template, value) {
    return (template || "").replace("%s", value);
  }

  function parseBox(value) {
    var parts = (value || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(function (n) { return !isFinite(n); })) { return null; }
    return parts;
  }

  function boxToBounds(box) {
    return L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
  }

  function drawOutlines(map, url) {
    fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        L.geoJSON(collection, {
          interactive: false,
          style: function () {
            return { color: "#8585f6", weight: 1, opacity: 0.9, fillColor: "#f5f5fe", fillOpacity: 1 };
          },
        }).addTo(map);
      })
      .catch(function () { /* the markers stay without a backdrop */ });
  }

  function baseMap(container, options) {
    var data = container.dataset;
    container.hidden = false;
    if (data.images) { L.Icon.Default.imagePath = data.images; }
    // Clusters need the map's own zoom bounds (a tile layer would otherwise give them).
    var map = L.map(container, Object.assign({ minZoom: 2, maxZoom: 19 }, options, { zoomControl: false }));
    if (options.zoomControl !== false) { // our own, with labels in the page's language
      L.control.zoom({
        zoomInTitle: data.labelZoomIn || "+",
        zoomOutTitle: data.labelZoomOut || "-",
      }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    if (data.tiles) {
      var loaded = 0;
      var warned = false;
      var tiles = L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 19 });
      tiles.on("tileload", function () { loaded += 1; });
      // A tile that fails to load only leaves a gap: the markers stay, nothing is thrown.
      tiles.on("tileerror", function () {
        if (loaded || warned) { return; }
        warned = true;
        container.classList.add("semaine-map--no-tiles");
        container.dispatchEvent(new CustomEvent("semaine:no-tiles"));
      });
      tiles.addTo(map);
    } else {
      container.classList.add("semaine-map--no-tiles");
      if (data.outlines) { drawOutlines(map, data.outlines); }
    }
    return map;
  }

  // ---- One marker (event page) --------------------------------------------------------------
  function pointMap(container) {
    var lat = parseFloat(container.dataset.lat);
    var lon = parseFloat(container.dataset.lon);
    if (!isFinite(lat) || !isFinite(lon) || !container.dataset.tiles) { return; }
    var map = baseMap(container, {
      keyboard: false, scrollWheelZoom: false, center: [lat, lon], zoom: 15,
    });
    L.marker([lat, lon], {
      interactive: false, keyboard: false, alt: container.dataset.label || "",
    }).addTo(map);
  }

  // ---- The agenda's events ------------------------------------------------------------------
  // The box asked for is the visible area snapped outwards to a grid (a power of two of degrees,
  // a quarter to half of the view): small moves ask for the same URL, which caches answer.
  function requestBox(map) {
    var b = map.getBounds();
    var west = b.getWest(), east = b.getEast();
    var south = Math.max(b.getSouth(), -90), north = Math.min(b.getNorth(), 90);
    var span = Math.max(east - west, north - south, 1e-6);
    var step = Math.pow(2, Math.ceil(Math.log(span / 4) / Math.LN2));
    west = Math.floor(west / step) * step;
    east = Math.ceil(east / step) * step;
    south = Math.max(Math.floor(south / step) * step, -90);
    north = Math.min(Math.ceil(north / step) * step, 90);
    if (east - west >= 360) { return [-180, south, 180, north]; }
    var shift = Math.floor((west + 180) / 360) * 360;
    west -= shift;
    east -= shift;
    if (east > 180) { east -= 360; } // crosses the antimeridian: west > east (RFC 7946 §5.2)
    return [west, south, east, north];
  }

  function contains(outer, inner) {
    if (!outer) { return false; }
    if (outer[0] > outer[2] || inner[0] > inner[2]) {
      return outer.join() === inner.join();
    }
    return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
  }

  function withBbox(url, box) {
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "bbox=" + box.join(",");
  }

  function popupContent(props, data) {
    var box = document.createElement("div");
    box.className = "semaine-map__popup";
    var title = document.createElement("p");
    title.className = "semaine-map__popup-title";
    var link = document.createElement("a");
    if (/^(https?:\/\/|\/)/.test(props.url || "")) { link.href = props.url; }
    link.textContent = props.title || "";
    title.appendChild(link);
    box.appendChild(title);
    [[data.labelDate, props.date], [data.labelCommune, props.commune]].forEach(function (row) {
      if (!row[1]) { return; }
      var line = document.createElement("p");
      line.textContent = (row[0] ? row[0] + " " : "") + row[1];
      box.appendChild(line);
    });
    if (props.approximate && data.labelApproximate) {
      var approximate = document.createElement("p");
      approximate.className = "semaine-map__popup-approximate";
      approximate.textContent = data.labelApproximate;
      box.appendChild(approximate);
    }
    if (props.status && props.status !== "scheduled" && props.status_label) {
      var status = document.createElement("p");
      status.className = "semaine-map__popup-status";
      status.textContent = props.status_label;
      box.appendChild(status);
    }
    return box;
  }

  function eventsMap(container) {
    var data = container.dataset;
    var map = baseMap(container, { keyboard: true, worldCopyJump: true });
    var status = document.getElementById(data.status || "");
    var message = document.createElement("span");
    var tilesNote = document.createElement("span");
    if (status) { status.appendChild(message); status.appendChild(tilesNote); }
    container.addEventListener("semaine:no-tiles", function () {
      tilesNote.textContent = " " + (data.msgNoTiles || "");
    });
    var lang = document.documentElement.lang || undefined;

    var clusters = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
        var label = document.createElement("span");
        label.className = "fr-sr-only";
        label.textContent = text(data.labelCluster, count.toLocaleString(lang));
        var inner = document.createElement("div");
        var number = document.createElement("span");
        number.setAttribute("aria-hidden", "true");
        number.textContent = count.toLocaleString(lang);
        inner.appendChild(number);
        inner.appendChild(label);
        return L.divIcon({
          html: inner, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40),
        });
      },
    });
    map.addLayer(clusters);

    var loadedBox = null;
    var complete = false;
    var controller = null;
    var timer = null;

    function say(value) { message.textContent = value || ""; }

    function show(collection, box) {
      var centre = map.getCenter().lng;
      var markers = [];
      (collection.features || []).forEach(function (feature) {
        var geometry = feature && feature.geometry;
        if (!geometry || geometry.type !== "Point") { return; }
        var lon = Number(geometry.coordinates[0]);
        var lat = Number(geometry.coordinates[1]);
        if (!isFinite(lon) || !isFinite(lat)) { return; }
        // Near the antimeridian, draw each marker on the copy of the world that is in view.
        if (lon - centre > 180) { lon -= 360; } else if (centre - lon > 180) { lon += 360; }
        var props = feature.properties || {};
        var marker = L.marker([lat, lon], { title: props.title || "", alt: props.title || "" });
        marker.bindPopup(function () { return popupContent(props, data); });
        markers.push(marker);
      });
      clusters.clearLayers();
      clusters.addLayers(markers);
      loadedBox = box;
      complete = collection.truncated !== true;
      var count = text(data.msgLoaded, markers.length.toLocaleString(lang));
      say(complete ? count : count + " " + (data.msgTruncated || ""));
    }

    function load() {
      var box = requestBox(map);
      if (complete && contains(loadedBox, box)) { return; }
      if (controller) { controller.abort(); }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      say(data.msgLoading);
      fetch(withBbox(data.geojson, box), {
        headers: { Accept: "application/geo+json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (collection) {
          if (!collection || collection.type !== "FeatureCollection") { throw new Error("not GeoJSON"); }
          show(collection, box);
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") { return; }
          say(data.msgError);
        });
    }

    var bounds = boxToBounds(parseBox(data.bounds) || FRANCE);
    map.fitBounds(bounds, { maxZoom: 12, padding: [16, 16], animate: false });
    map.on("moveend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, DEBOUNCE_MS);
    });
    load();
  }

  document.querySelectorAll("[data-semaine-map]").forEach(function (container) {
    if (container.dataset.semaineMap === "events") { eventsMap(container); }
    else if (container.dataset.semaineMap === "point") { pointMap(container); }
  });
})();
