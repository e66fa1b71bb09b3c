// Library files use `exports = {}` like server.js; the platform loads them with require('./lib/format').
exports = {
  fieldValue: function (field) {
    return field && typeof field === 'object' ? field.value : field;
  },

  dealMessage: function (event, deal, changes) {
    var name = this.fieldValue(deal.name) || 'Deal ' + deal.id;
    var amount = this.fieldValue(deal.amount);
    if (event === 'onDealCreate') return 'New deal: ' + name + ' (' + amount + ')';
    return 'Deal ' + name + ': amount ' + changes.amount[0] + ' → ' + changes.amount[1];
  }
};
