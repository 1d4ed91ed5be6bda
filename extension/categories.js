// The clutter categories a user can switch per site, and the UI message naming each: one list
// for the popup, the options page and the reader's "removed" panel.
export const CATEGORY_MESSAGES = {
  comments: 'categoryComments',
  'video-chrome': 'categoryVideoChrome',
  promotions: 'categoryPromotions',
  social: 'categorySocial',
  newsletter: 'categoryNewsletter',
  'cookie-consent': 'categoryCookieConsent',
  ads: 'categoryAds',
};
