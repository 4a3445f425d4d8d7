/**
 * Sends outbox messages through GOV.UK Notify with its Node client. Each outbox template
 * ('case_received', 'case_updated'…) maps to a Notify template id (NOTIFY_TEMPLATES). Notify
 * refuses some messages for good (a bad address, an unknown template: HTTP 400 and 403), and some
 * for now (rate limits, its own errors: 429 and 5xx); only the second kind is tried again.
 */
import { PermanentSendError, type MessageSender, type PendingMessage } from './outbox-worker.ts';

interface NotifyLike {
  sendEmail(templateId: string, to: string, options: object): Promise<{ data: { id: string } }>;
  sendSms(templateId: string, to: string, options: object): Promise<{ data: { id: string } }>;
}

export function notifySender(
  apiKey: string,
  templates: Readonly<Record<string, string>>,
  given?: NotifyLike,
): MessageSender {
  // The Notify client (and axios under it) is loaded on the first message, not when the server starts.
  let client: Promise<NotifyLike> | undefined = given && Promise.resolve(given);
  const notify = (): Promise<NotifyLike> =>
    (client ??= import('notifications-node-client').then(
      ({ NotifyClient }) => new NotifyClient(apiKey) as unknown as NotifyLike,
    ));
  return {
    name: 'notify',
    async send(message: PendingMessage) {
      const templateId = templates[message.template];
      if (!templateId) throw new PermanentSendError(`no Notify template is set for "${message.template}"`);
      const personalisation = Object.fromEntries(
        Object.entries(message.personalisation).map(([k, v]) => [
          k,
          v === null || v === undefined ? '' : String(v),
        ]),
      );
      const options = { personalisation, reference: `${message.orgId}-${message.messageId}` };
      try {
        const response =
          message.channel === 'sms'
            ? await (await notify()).sendSms(templateId, message.recipient, options)
            : await (await notify()).sendEmail(templateId, message.recipient, options);
        return { providerReference: response.data.id };
      } catch (error) {
        const status = (error as { response?: { status?: number } }).response?.status;
        const detail = (error as { response?: { data?: { errors?: Array<{ message?: string }> } } }).response
          ?.data?.errors?.[0]?.message;
        const text = `Notify answered ${status ?? 'nothing'}${detail ? `: ${detail}` : ''}`;
        if (status === 400 || status === 403) throw new PermanentSendError(text);
        throw new Error(text);
      }
    },
  };
}
