; ocmap:// links on Windows, owned by the installer (electron-builder's nsis.include): registered at install, so a
; link works before the first launch, and removed at uninstall, so no key is left pointing at a deleted program.
; The keys and values are the ones Electron's app.setAsDefaultProtocolClient writes, under the install's own root:
; SHELL_CONTEXT is HKCU for a per-user install and HKLM for a per-machine one (both appear in HKCR).

!macro ocmapProtocolCommand VAR
  StrCpy ${VAR} '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

!macro customInstall
  Push $0
  !insertmacro ocmapProtocolCommand $0
  WriteRegStr SHELL_CONTEXT "Software\Classes\ocmap" "" "URL:ocmap"
  WriteRegStr SHELL_CONTEXT "Software\Classes\ocmap" "URL Protocol" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\ocmap\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\ocmap\shell\open\command" "" $0
  Pop $0
!macroend

; Only a registration that still starts this install is removed (another program may have taken ocmap:// since).
; Older versions registered for the user at each start (HKCU): that key goes too when it points here.
!macro ocmapRemoveProtocol ROOT
  ReadRegStr $1 ${ROOT} "Software\Classes\ocmap\shell\open\command" ""
  ${if} $1 == $0
    DeleteRegKey ${ROOT} "Software\Classes\ocmap"
  ${endIf}
!macroend

!macro customUnInstall
  Push $0
  Push $1
  !insertmacro ocmapProtocolCommand $0
  !insertmacro ocmapRemoveProtocol SHELL_CONTEXT
  !insertmacro ocmapRemoveProtocol HKEY_CURRENT_USER
  Pop $1
  Pop $0
!macroend
