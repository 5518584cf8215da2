;;; caviar-mail.el --- send mail from Emacs (message-mode, notmuch) through caviar  -*- lexical-binding: t; -*-
;; Every message goes through `caviar-sendmail', which checks (or redacts) it and then runs the
;; real MTA ($CAVIAR_MTA, e.g. msmtp) with Emacs's arguments (-oi -f <from> -t) untouched.
(setq message-send-mail-function #'message-send-mail-with-sendmail
      send-mail-function #'sendmail-send-it
      sendmail-program "caviar-sendmail"
      ;; Needed: with `message-interactive' nil Emacs passes -oem -odb and ignores the exit
      ;; status, so a refusal (exit 65) would be lost silently.
      message-interactive t
      mail-specify-envelope-from t
      message-sendmail-envelope-from 'header)

;; Optional: redact the draft in the compose buffer before MML is encoded (you see the result).
;; Only the body text below the header separator is filtered; MML tags contain no data.
(defun caviar-mail-redact-body ()
  "Replace personal data in the message body with caviar placeholders, or stop the send.
The body is replaced only when caviar succeeded; on a refusal it is left as it was."
  (save-excursion
    (message-goto-body)
    (let* ((start (point)) (end (point-max))
           (out (generate-new-buffer " *caviar*"))
           (status (call-process-region start end "caviar" nil out nil "redact")))
      (unwind-protect
          (if (eq status 0)
              (progn (delete-region start end)
                     (goto-char start)
                     (insert-buffer-substring out))
            (error "caviar refused the message (exit %s); nothing was sent" status))
        (kill-buffer out)))))
;; Caveat: MML tags such as <#part filename="..."> are text to caviar; a name in an attached
;; file's path would be replaced too. Prefer the sendmail-program route above for attachments.
;; (add-hook 'message-send-hook #'caviar-mail-redact-body)
;; notmuch-emacs runs `notmuch-mua-send-hook' and then `message-send-hook', so the above covers it.
(provide 'caviar-mail)
