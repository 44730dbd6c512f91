// cordtrace: starts GraphiQL on /graphql. A file of its own because the Content-Security-Policy
// allows no inline script. A signed-in browser session rides in the cookie; the CSRF token of
// that session, which the page carries in a meta element, proves to /graphql that a cordtrace
// page sent the request. API clients use a bearer token in the Headers tab instead.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="cordtrace-csrf"]');
  var headers = meta ? { "x-csrf-token": meta.getAttribute("content") } : {};
  var fetcher = GraphiQL.createFetcher({ url: "/graphql", headers: headers });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    })
  );
})();
