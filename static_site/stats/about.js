// Show the API's real address in the analysts' guide, from the deployment's config.js.
const apiUrl = window.LOGBOOK_CONFIG?.apiUrl || location.origin;
for (const node of document.querySelectorAll(".api-base")) node.textContent = apiUrl;
for (const link of document.querySelectorAll(".api-link")) link.href = `${apiUrl}${link.dataset.path}`;
