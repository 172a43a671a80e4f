"use client";

import { useEffect, useRef } from "react";

/**
 * A native `<dialog>` shown as a modal while `open` is true and closed when it turns false. Put
 * the returned ref on the dialog; the browser traps focus, closes on Escape and returns focus to
 * the opener.
 */
export function useModal(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}
