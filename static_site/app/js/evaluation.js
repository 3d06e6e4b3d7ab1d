// The evaluation cycle for an organisation: campaigns (one survey QR point per unit,
// opened at once, followed live), and the year's targets and written analysis.
//   #/orgs/{org}/campaigns          campaigns; admins open a new one
//   #/orgs/{org}/campaigns/{id}     live progress per unit, posters for all units
//   #/orgs/{org}/targets?year=      the year's targets and analysis (admins)

// The pages live in campaigns.js and targets.js (their texts: shared/i18n/app.*.json).
export { campaignPage, campaignsPage } from "./campaigns.js";
export { targetsPage } from "./targets.js";
