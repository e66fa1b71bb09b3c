// Deal desk notifier: greets new contacts, keeps a count per owner in the app's data store, and posts
// to a Slack channel when a deal is created or its amount changes.
var format = require('./lib/format');

exports = {
  onAppInstallHandler: function (args) {
    console.info('Installing for ' + args.domain);
    renderData();
  },

  onContactCreateHandler: async function (args) {
    var contact = args.data.contact;
    var owner = args.data.associations.owner;
    console.log('New contact ' + format.fieldValue(contact.first_name) + ' (id ' + contact.id + ')');
    if (!owner) return { counted: false };
    var key = 'contacts-of-' + owner.id;
    var stored = await $db.get(key).catch(function () { return { count: 0 }; });
    await $db.set(key, { count: stored.count + 1 });
    return { counted: true, owner: owner.name, count: stored.count + 1 };
  },

  onDealChangeHandler: async function (args) {
    var deal = args.data.deal;
    var changes = args.data.changes && args.data.changes.model_changes;
    if (args.event === 'onDealUpdate' && !(changes && changes.amount)) {
      console.log('Deal ' + deal.id + ' updated; amount unchanged, nothing to post');
      return { posted: false };
    }
    var text = format.dealMessage(args.event, deal, changes);
    var response = await $request.invokeTemplate('notifySlack', {
      context: {},
      body: JSON.stringify({ text: text })
    });
    console.log('Posted to Slack: ' + response.status);
    return { posted: true };
  }
};
