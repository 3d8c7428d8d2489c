'use server';

import { revalidatePath } from 'next/cache';
import type { ActionState } from '@/lib/action-state';
import { authenticatedAction } from '@/lib/actions';
import { listTrustedDevices, removeAllTrustedDevices, removeTrustedDevice } from '@/lib/auth/trusted-devices';
import { describeDevice, formatWhen } from '@/lib/format';
import { requestContext } from '@/lib/http/request-context';
import { messages } from '@/lib/messages';
import { removeAllTrustedDevicesSchema, removeTrustedDeviceSchema } from '@/lib/validation/mfa';

/** What the trusted-devices list says after a removal: which device, or how many. */
export type TrustedDevicesState = ActionState<{ removed: string; removedCount: number }>;

const PAGE = '/settings/security';

/** One device of this account. The answer names it as the list did, so it says which one went. */
export const removeTrustedDeviceAction = authenticatedAction(
  removeTrustedDeviceSchema,
  {},
  async ({ deviceId }, session): Promise<TrustedDevicesState> => {
    const device = (await listTrustedDevices(session.userId)).find((d) => d.id === deviceId);
    const removed = await removeTrustedDevice(session.userId, deviceId, await requestContext());
    revalidatePath(PAGE);
    if (!removed) return { ok: false, error: messages.trustedDeviceAlreadyRemoved };
    return {
      ok: true,
      removed: device
        ? `${describeDevice(device.userAgent)}, trusted ${formatWhen(device.createdAt)}`
        : 'that device',
    };
  },
);

export const removeAllTrustedDevicesAction = authenticatedAction(
  removeAllTrustedDevicesSchema,
  {},
  async (_data, session): Promise<TrustedDevicesState> => {
    const ctx = await requestContext();
    const count = await removeAllTrustedDevices(session.userId, undefined, { ctx, reason: 'removed_all' });
    revalidatePath(PAGE);
    return { ok: true, removedCount: count };
  },
);
