; caviar clipboard hotkeys for Windows, AutoHotkey v2 (https://www.autohotkey.com/).
; caviar runs inside WSL and reaches the Windows clipboard through powershell.exe, so the
; hotkeys just call it through wsl.exe. Double-click this file, or put a shortcut to it in
; shell:startup to load it at logon. Adjust the distribution (-d) and the path of caviar.
#Requires AutoHotkey v2.0

CaviarClip(args) {
    ; Hide the console window; caviar leaves the clipboard untouched if anything fails.
    exitCode := RunWait('wsl.exe -d Debian -e /usr/local/bin/caviar clip ' args, , 'Hide')
    if (exitCode = 3)
        TrayTip('Refused by policy: clipboard unchanged', 'caviar', 'Iconx')
    else if (exitCode != 0)
        TrayTip('Failed (exit ' exitCode '): clipboard unchanged', 'caviar', 'Iconx')
}

^!r::CaviarClip('')                                  ; Ctrl+Alt+R: redact
^!u::CaviarClip('--restore --clear-after 120')       ; Ctrl+Alt+U: restore, clear after 2 min
